using System.Text.Json.Nodes;
using VoiceAgents.Tests.Infrastructure;
using VoiceAgents.VoiceHost.Providers;

namespace VoiceAgents.Tests.Deployment;

/// <summary>infra/main.bicep, compiled by the real Bicep CLI, and checked against what the apps read.</summary>
public sealed class BicepTemplateTests(CompiledTemplate template) : IClassFixture<CompiledTemplate>
{
    private static readonly string[] CoreSecrets =
        ["Mongo__ConnectionString", "S3__AccessKey", "S3__SecretKey", "Jwt__SigningKey", "Queues__ConnectionString", "APPLICATIONINSIGHTS_CONNECTION_STRING"];

    [Fact]
    public void Main_bicep_compiles_without_errors_or_warnings()
    {
        Assert.Equal("", template.Diagnostics);
        Assert.Equal("https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#", (string?)template.Root["$schema"]);
    }

    [Fact]
    public void Every_secret_the_functions_app_reads_is_a_key_vault_reference()
    {
        var functions = template.Module("functions");
        var secrets = SecretSettings(functions);
        Assert.All(CoreSecrets.Append("WebPubSub__ConnectionString"), s => Assert.Contains(s, secrets));
        Assert.Empty(PlainSettings(functions).Intersect(ConfigurationKeys.Secrets));

        var module = CompiledTemplate.ModuleTemplate(functions);
        var secretSettings = Copy(module, "secretSettings");
        Assert.StartsWith("[format('@Microsoft.KeyVault(SecretUri={0})', items(parameters('secretUris'))", (string?)secretSettings["input"]!["value"]);
        var site = CompiledTemplate.Resource(module, "Microsoft.Web/sites");
        Assert.Equal("[concat(variables('hostStorage'), variables('plainSettings'), variables('secretSettings'))]",
            (string?)site["properties"]!["siteConfig"]!["appSettings"]);
        Assert.Equal("[parameters('identityId')]", (string?)site["properties"]!["keyVaultReferenceIdentity"]);
        // The host reaches its own storage as the identity: no account key in AzureWebJobsStorage.
        var hostStorage = module["variables"]!["hostStorage"]!.AsArray().Select(s => (string)s!["name"]!).ToList();
        Assert.DoesNotContain("AzureWebJobsStorage", hostStorage);
        Assert.Contains("AzureWebJobsStorage__credential", hostStorage);
    }

    [Fact]
    public void Every_secret_voice_host_reads_is_a_key_vault_secret_of_the_container_app()
    {
        var voiceHost = template.Module("voice-host");
        var vendorKeys = template.Root["variables"]!["vendorKeySettings"]!.AsObject();
        var secrets = SecretSettings(voiceHost).Concat(vendorKeys.Select(v => v.Key)).ToHashSet();
        // Every key, connection string and password an options class of core or voice-host declares, except those
        // only the Functions app binds (Web PubSub: the API publishes, voice-host never does; Twilio: the dialer and its
        // webhooks call and check Twilio, voice-host's media streams carry our own token; the operator key: the
        // operator's routes are the API's).
        string[] functionsOnly = ["AzureWebJobsStorage", "WebPubSub__ConnectionString", "Twilio__AuthToken", "Operator__ApiKey"];
        var expected = ConfigurationKeys.Secrets.Where(s => !functionsOnly.Contains(s)).ToList();
        Assert.Contains("Providers__Cartesia__ApiKey", expected);
        Assert.All(expected, s => Assert.Contains(s, secrets));
        Assert.Empty(PlainSettings(voiceHost).Intersect(ConfigurationKeys.Secrets));

        // Each vendor key's secret is one the Key Vault module writes from a secure parameter.
        var vaultKeys = CompiledTemplate.ParameterExpression(template.Module("keyvault"), "vendorKeys");
        Assert.All(vendorKeys, v => Assert.Contains($"'{(string)v.Value!["secret"]!}'", vaultKeys.Replace("\"", "'")));

        var module = CompiledTemplate.ModuleTemplate(voiceHost);
        var secretInput = Copy(module, "secrets")["input"]!.AsObject();
        Assert.Equal("[items(parameters('secretUris'))[copyIndex('secrets')].value]", (string?)secretInput["keyVaultUrl"]);
        Assert.Equal("[parameters('identityId')]", (string?)secretInput["identity"]);
        Assert.NotNull(Copy(module, "secretEnv")["input"]!["secretRef"]);
        var app = CompiledTemplate.Resource(module, "Microsoft.App/containerApps");
        Assert.Equal("[variables('secrets')]", (string?)app["properties"]!["configuration"]!["secrets"]);
    }

    [Fact]
    public void The_credentials_master_key_is_a_key_vault_secret_both_apps_read_and_never_a_plain_setting()
    {
        var vaultKeys = CompiledTemplate.ParameterExpression(template.Module("keyvault"), "vendorKeys");
        Assert.Contains("credentials-master-key-", vaultKeys, StringComparison.Ordinal);
        Assert.Contains("parameters('credentialsMasterKey')", vaultKeys, StringComparison.Ordinal);
        foreach (var module in new[] { "functions", "voice-host" })
        {
            var secretUris = CompiledTemplate.ParameterExpression(template.Module(module), "secretUris");
            Assert.Contains("Credentials__MasterKeys__", secretUris, StringComparison.Ordinal);
            Assert.Contains("secrets/credentials-master-key-", secretUris, StringComparison.Ordinal);
            Assert.DoesNotContain("MasterKeys", CompiledTemplate.ParameterExpression(template.Module(module), "settings"), StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Secret_parameters_are_secure_and_never_output()
    {
        var parameters = template.Root["parameters"]!.AsObject();
        string[] secretWords = ["key", "password", "connectionstring", "secret"];
        var secretParams = parameters.Where(p => secretWords.Any(w => p.Key.Contains(w, StringComparison.OrdinalIgnoreCase))).ToList();
        Assert.Contains(secretParams, p => p.Key == "jwtSigningKey");
        Assert.All(secretParams, p => Assert.Equal("securestring", (string?)p.Value!["type"]));
        var outputs = CompiledTemplate.Text(template.Root["outputs"]!);
        Assert.All(secretParams, p => Assert.DoesNotContain($"parameters('{p.Key}')", outputs));
    }

    [Fact]
    public void Every_provider_setting_a_descriptor_names_reaches_voice_host_as_a_secret_or_a_plain_setting()
    {
        var voiceHost = template.Module("voice-host");
        var vendorKeys = template.Root["variables"]!["vendorKeySettings"]!.AsObject().Select(v => v.Key);
        var given = SecretSettings(voiceHost).Concat(vendorKeys).Concat(PlainSettings(voiceHost)).ToHashSet();
        var settings = ProviderDescriptors.All.SelectMany(p => p.EnvironmentVariables).Distinct().ToList();

        Assert.Contains("Providers__OpenAICompatible__BaseUrl", settings);
        Assert.All(settings, s => Assert.True(given.Contains(s), $"main.bicep does not pass {s} to voice-host"));
        // A key is a secret, never a plain setting.
        Assert.All(settings.Where(ConfigurationKeys.Secrets.Contains), s => Assert.Contains(s, vendorKeys));
    }

    [Fact]
    public void Plain_settings_are_configuration_keys_the_apps_read()
    {
        foreach (var module in new[] { "functions", "voice-host" })
        {
            var unknown = PlainSettings(template.Module(module)).Where(k => !ConfigurationKeys.IsReal(k) && !PendingFeatureKeys.Contains(k)).ToList();
            Assert.True(unknown.Count == 0, $"{module} sets {string.Join(", ", unknown)}, which no app reads");
        }
        var fixedEnv = CompiledTemplate.ModuleTemplate(template.Module("voice-host"))["variables"]!["fixedEnv"]!.AsArray().Select(e => (string)e!["name"]!);
        Assert.All(fixedEnv, k => Assert.True(ConfigurationKeys.IsReal(k), $"voice-host's fixed setting {k} is read by no app"));
    }

    [Fact]
    public void Functions_app_takes_the_client_address_from_the_one_x_forwarded_for_hop_its_front_end_appends()
    {
        var expression = CompiledTemplate.ParameterExpression(template.Module("functions"), "settings");

        Assert.Contains("'TrustedProxy__Header', 'X-Forwarded-For'", expression, StringComparison.Ordinal);
        Assert.Contains("'TrustedProxy__Hops', '1'", expression, StringComparison.Ordinal);
    }

    [Fact]
    public void Voice_host_keeps_a_replica_scales_on_concurrent_calls_and_drains_before_it_is_killed()
    {
        var minReplicas = template.Root["parameters"]!["voiceHostMinReplicas"]!;
        Assert.Equal(1, (int)minReplicas["defaultValue"]!);
        Assert.Equal(1, (int)minReplicas["minValue"]!);
        Assert.Equal("[parameters('voiceHostMinReplicas')]", (string?)template.Module("voice-host")["properties"]!["parameters"]!["minReplicas"]!["value"]);

        var module = CompiledTemplate.ModuleTemplate(template.Module("voice-host"));
        var app = CompiledTemplate.Resource(module, "Microsoft.App/containerApps");
        var spec = app["properties"]!["template"]!.AsObject();
        Assert.Equal("[parameters('minReplicas')]", (string?)spec["scale"]!["minReplicas"]);
        var rule = Assert.Single(spec["scale"]!["rules"]!.AsArray())!;
        Assert.NotNull(rule["http"]!["metadata"]!["concurrentRequests"]);
        // The platform waits longer than the app's own drain limit before it kills the replica.
        Assert.Equal("[add(parameters('drainSeconds'), 30)]", (string?)spec["terminationGracePeriodSeconds"]);
        Assert.Equal(570, (int)module["parameters"]!["drainSeconds"]!["maxValue"]!);
        var env = module["variables"]!["fixedEnv"]!.AsArray();
        Assert.Contains(env, e => (string?)e!["name"] == "Voice__DrainTimeout" && (string?)e["value"] == "[variables('drainTimeSpan')]");

        var probes = spec["containers"]![0]!["probes"]!.AsArray().ToDictionary(p => (string)p!["type"]!, p => ((string)p!["httpGet"]!["path"]!, (int)p["httpGet"]!["port"]!));
        // Readiness is the detailed /health on the operator port, which the ingress (7860) does not expose.
        Assert.Equal(("/health", 7861), probes["Readiness"]);
        Assert.Equal(("/health/live", 7860), probes["Liveness"]);
        Assert.Equal(7860, (int)app["properties"]!["configuration"]!["ingress"]!["targetPort"]!);
        Assert.Contains(env, e => (string?)e!["name"] == "Voice__OperatorUrl" && (string?)e["value"] == "http://+:7861");
    }

    [Fact]
    public void Outputs_give_the_urls_of_the_api_voice_host_and_dashboard()
    {
        var outputs = template.Root["outputs"]!.AsObject();
        foreach (var name in new[] { "apiUrl", "voiceHostUrl", "voiceHostHealthUrl", "dashboardUrl", "webPubSubHost", "keyVaultName" })
        {
            Assert.True(outputs.ContainsKey(name), $"no output {name}");
        }
        Assert.StartsWith("[format('wss://{0}/ws', ", (string?)outputs["voiceHostUrl"]!["value"]);
        Assert.StartsWith("[format('{0}/api', ", (string?)outputs["apiUrl"]!["value"]);
    }

    [Fact]
    public void Parameters_file_sets_declared_parameters_and_every_required_plain_one()
    {
        var declared = template.Root["parameters"]!.AsObject();
        var file = JsonNode.Parse(File.ReadAllText(Path.Combine(LocalStack.RepoRoot, "infra", "main.parameters.json")))!["parameters"]!.AsObject();
        Assert.All(file, p => Assert.True(declared.ContainsKey(p.Key), $"main.parameters.json sets {p.Key}, which main.bicep does not declare"));
        var required = declared.Where(p => p.Value!["defaultValue"] is null && (string?)p.Value["type"] != "securestring").Select(p => p.Key);
        Assert.All(required, p => Assert.True(file.ContainsKey(p), $"main.parameters.json lacks the required parameter {p}"));
        // Secrets are passed on the command line or from a vault, never written into the example file.
        Assert.DoesNotContain(file, p => (string?)declared[p.Key]!["type"] == "securestring");
    }

    /// <summary>Keys of the Web PubSub feature, built in parallel with this one (its options class is not on this branch yet).</summary>
    private static readonly HashSet<string> PendingFeatureKeys = [];

    private HashSet<string> SecretSettings(JsonObject module)
    {
        var sources = CompiledTemplate.SecretSources(CompiledTemplate.ParameterExpression(module, "secretUris")).ToList();
        Assert.NotEmpty(sources);
        foreach (var (setting, from, output) in sources)
        {
            // The module output that names the secret is a Key Vault secret's URI, never a value.
            var value = (string?)CompiledTemplate.ModuleTemplate(template.Module(from))["outputs"]![output]!["value"];
            Assert.True(value is not null && value.Contains("Microsoft.KeyVault/vaults/secrets") && value.EndsWith(".secretUri]"),
                $"{setting} comes from {from}.{output} = {value}, which is not a Key Vault secret URI");
        }
        return sources.Select(s => s.Setting).ToHashSet();
    }

    private HashSet<string> PlainSettings(JsonObject module)
    {
        var expression = CompiledTemplate.ParameterExpression(module, "settings");
        var keys = CompiledTemplate.SettingNames(expression).ToHashSet();
        foreach (var variable in new[] { "sharedSettings", "voiceHostPlain" })
        {
            if (!expression.Contains($"variables('{variable}')")) continue;
            var value = template.Root["variables"]![variable]!;
            if (value is JsonObject o) keys.UnionWith(o.Select(p => p.Key));
            else keys.UnionWith(CompiledTemplate.SettingNames(CompiledTemplate.Text(value)));
            if (CompiledTemplate.Text(value).Contains("variables('sharedSettings')")) keys.UnionWith(template.Root["variables"]!["sharedSettings"]!.AsObject().Select(p => p.Key));
        }
        return keys;
    }

    private static JsonObject Copy(JsonObject moduleTemplate, string name) =>
        moduleTemplate["variables"]!["copy"]!.AsArray().Single(c => (string?)c!["name"] == name)!.AsObject();
}
