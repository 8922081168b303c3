using System.Text.RegularExpressions;
using VoiceAgents.Tests.Infrastructure;
using VoiceAgents.VoiceHost.Providers;
using YamlDotNet.RepresentationModel;

namespace VoiceAgents.Tests.Deployment;

/// <summary>
/// infra/docker-compose.yml, parsed as YAML and checked against the apps' configuration and Dockerfiles. No Docker
/// engine runs here, so this is what can be checked without one: names, ports and settings agree.
/// </summary>
public sealed partial class ComposeTests
{
    private static readonly string Infra = Path.Combine(LocalStack.RepoRoot, "infra");
    private readonly YamlMappingNode _services;

    public ComposeTests()
    {
        var yaml = new YamlStream();
        using (var reader = new StreamReader(Path.Combine(Infra, "docker-compose.yml"))) yaml.Load(reader);
        _services = (YamlMappingNode)((YamlMappingNode)yaml.Documents.Single().RootNode)["services"];
    }

    [Fact]
    public void Compose_runs_the_databases_storage_both_apps_and_the_dashboard()
    {
        var names = _services.Children.Keys.Select(k => ((YamlScalarNode)k).Value).ToHashSet();
        Assert.Superset(new HashSet<string?> { "mongo", "minio", "minio-init", "azurite", "functions", "voice-host", "dashboard" }, names);
        foreach (var (service, dockerfile) in new[] { ("functions", "functions/Dockerfile"), ("voice-host", "voice-host/Dockerfile") })
        {
            var build = (YamlMappingNode)Service(service)["build"];
            Assert.Equal(dockerfile, Scalar(build, "dockerfile"));
            var context = Path.GetFullPath(Path.Combine(Infra, Scalar(build, "context")));
            Assert.Equal(LocalStack.RepoRoot.TrimEnd('/'), context.TrimEnd('/'));
            Assert.True(File.Exists(Path.Combine(context, dockerfile)), $"{dockerfile} does not exist");
        }
    }

    [Fact]
    public void Every_setting_compose_gives_the_apps_is_one_they_read()
    {
        foreach (var service in new[] { "functions", "voice-host" })
        {
            var unknown = Environment(service).Keys.Where(k => !ConfigurationKeys.IsReal(k)).ToList();
            Assert.True(unknown.Count == 0, $"{service} is given {string.Join(", ", unknown)}, which it does not read");
        }
        // Both apps need the same storage, database, bucket, queues and token settings.
        string[] shared = ["Mongo__ConnectionString", "Mongo__Database", "S3__ServiceUrl", "S3__Bucket", "S3__AccessKey", "S3__SecretKey",
            "CallCompletedQueue", "EventsQueue", "Jwt__Issuer", "Jwt__Audience", "Jwt__SigningKey"];
        var functions = Environment("functions");
        var voice = Environment("voice-host");
        Assert.All(shared, k => Assert.Equal(functions[k], voice[k]));
        Assert.Equal(functions["AzureWebJobsStorage"], voice["Queues__ConnectionString"]);
        Assert.Equal("queue", voice["Voice__CallSink"]);
    }

    [Fact]
    public void Every_provider_setting_a_descriptor_names_is_passed_to_voice_host_from_the_shell_and_empty_by_default()
    {
        var voice = Environment("voice-host");
        var settings = ProviderDescriptors.All.SelectMany(p => p.EnvironmentVariables).Distinct().ToList();

        Assert.Contains("Providers__Deepgram__ApiKey", settings);
        foreach (var setting in settings)
        {
            Assert.True(voice.TryGetValue(setting, out var value), $"compose does not pass {setting} to voice-host");
            // From the shell or an .env file, never written here; unset leaves the provider unconfigured.
            Assert.Matches(@"^\$\{[A-Z0-9_]+:-\}$", value);
        }
    }

    [Fact]
    public void Settings_point_at_the_ports_the_stand_in_services_listen_on()
    {
        foreach (var service in new[] { "functions", "voice-host" })
        {
            var env = Environment(service);
            AssertReaches(new Uri(env["Mongo__ConnectionString"]), "mongo", 27017);
            AssertReaches(new Uri(env["S3__ServiceUrl"]), "minio", 9000);
            var storage = env.GetValueOrDefault("AzureWebJobsStorage") ?? env["Queues__ConnectionString"];
            AssertReaches(new Uri(ConnectionStringPart(storage, "QueueEndpoint")), "azurite", 10001);
            AssertReaches(new Uri(ConnectionStringPart(storage, "BlobEndpoint")), "azurite", 10000);
        }
        Assert.Contains("server /data", string.Join(' ', Sequence(Service("minio"), "command")));
        Assert.Contains("http://minio:9000", string.Join(' ', Sequence(Service("minio-init"), "command")));
        Assert.Contains("local/voiceagents", string.Join(' ', Sequence(Service("minio-init"), "command")));
    }

    [Fact]
    public void App_ports_match_what_each_image_listens_on()
    {
        var voiceFile = File.ReadAllText(Path.Combine(LocalStack.RepoRoot, "voice-host", "Dockerfile"));
        var functionsFile = File.ReadAllText(Path.Combine(LocalStack.RepoRoot, "functions", "Dockerfile"));
        Assert.Equal(7860, ExposedPort(voiceFile));
        Assert.Equal(8080, ExposedPort(functionsFile));
        Assert.Equal(7860, UrlPort(Environment("voice-host")["ASPNETCORE_URLS"]));
        Assert.Equal((7860, 7860), PublishedPort("voice-host", 7860));
        // The README's local addresses: the API on 7071, voice-host on 7860.
        Assert.Equal((7071, 8080), PublishedPort("functions", 8080));
        Assert.All(_services.Children.Values.Cast<YamlMappingNode>().Where(s => s.Children.ContainsKey("ports")).SelectMany(s => Sequence(s, "ports")),
            p => Assert.StartsWith("127.0.0.1:", p));
    }

    [Fact]
    public void Dashboard_calls_the_api_through_its_proxy_and_voice_host_on_its_published_port()
    {
        var config = File.ReadAllText(Path.Combine(Infra, "dashboard", "config.js"));
        var nginx = File.ReadAllText(Path.Combine(Infra, "dashboard", "nginx.conf"));
        var (dashboardHost, dashboardContainer) = PublishedPort("dashboard", null);
        Assert.Contains($"listen {dashboardContainer};", nginx);
        Assert.Contains($"apiUrl: 'http://127.0.0.1:{dashboardHost}/api'", config);
        Assert.Matches(@"location /api/ \{\s*proxy_pass http://functions:8080/api/;", nginx);
        Assert.Contains($"voiceUrl: 'ws://127.0.0.1:{PublishedPort("voice-host", 7860).Host}/ws'", config);
        var volumes = Sequence(Service("dashboard"), "volumes");
        Assert.Contains("../dashboard/out:/usr/share/nginx/html:ro", volumes);
        Assert.Contains(volumes, v => v.StartsWith("./dashboard/config.js:") && nginx.Contains($"alias {v.Split(':')[1]};"));
    }

    [Fact]
    public void Images_are_multi_stage_non_root_and_health_checked()
    {
        foreach (var file in new[] { "voice-host/Dockerfile", "functions/Dockerfile" })
        {
            var text = File.ReadAllText(Path.Combine(LocalStack.RepoRoot, file));
            Assert.True(FromRegex().Matches(text).Count >= 2, $"{file} is not multi-stage");
            var user = UserRegex().Matches(text).Last().Groups[1].Value;
            Assert.NotEqual("root", user);
            Assert.NotEqual("0", user);
            Assert.Matches(@"HEALTHCHECK .*\n\s+CMD curl -fsS http://127\.0\.0\.1:\d+/", text);
        }
        var functions = File.ReadAllText(Path.Combine(LocalStack.RepoRoot, "functions", "Dockerfile"));
        Assert.Contains("FROM mcr.microsoft.com/azure-functions/dotnet-isolated:4-dotnet-isolated10.0", functions);
        var voice = File.ReadAllText(Path.Combine(LocalStack.RepoRoot, "voice-host", "Dockerfile"));
        Assert.All(new[] { "pocketsphinx-en-us", "libpocketsphinx3", "libflite1", "espeak-ng", "@ricky0123/vad-web@0.0.31" }, p => Assert.Contains(p, voice));
        // The model is fetched at build time from the same pinned package as infra/local/install.sh.
        var install = File.ReadAllText(Path.Combine(Infra, "local", "install.sh"));
        var sha = Regex.Match(install, "VAD_TGZ_SHA256=([0-9a-f]{64})").Groups[1].Value;
        Assert.Contains($"VAD_TGZ_SHA256={sha}", voice);
    }

    [Fact]
    public void Voice_host_gets_longer_to_stop_than_its_drain_limit()
    {
        var drain = TimeSpan.Parse(Environment("voice-host")["Voice__DrainTimeout"]);
        var grace = Scalar(Service("voice-host"), "stop_grace_period");
        Assert.EndsWith("s", grace);
        Assert.True(TimeSpan.FromSeconds(int.Parse(grace.TrimEnd('s'))) > drain, $"stop_grace_period {grace} is not longer than the drain {drain}");
    }

    private YamlMappingNode Service(string name) => (YamlMappingNode)_services[name];

    private Dictionary<string, string> Environment(string service) =>
        ((YamlMappingNode)Service(service)["environment"]).Children.ToDictionary(e => ((YamlScalarNode)e.Key).Value!, e => ((YamlScalarNode)e.Value).Value ?? "");

    private static string Scalar(YamlMappingNode node, string key) => ((YamlScalarNode)node[key]).Value!;

    private static List<string> Sequence(YamlMappingNode node, string key) =>
        ((YamlSequenceNode)node[key]).Children.Select(c => ((YamlScalarNode)c).Value!).ToList();

    /// <summary>The published (host) and container ports of a "127.0.0.1:host:container" mapping.</summary>
    private (int Host, int Container) PublishedPort(string service, int? container)
    {
        var mappings = Sequence(Service(service), "ports").Select(p => p.Split(':')).Select(p => (Host: int.Parse(p[1]), Container: int.Parse(p[2])));
        return container is null ? mappings.Single() : mappings.Single(m => m.Container == container);
    }

    private void AssertReaches(Uri uri, string service, int port)
    {
        Assert.Equal(service, uri.Host);
        Assert.Equal(port, uri.Port);
        Assert.True(_services.Children.ContainsKey(new YamlScalarNode(service)), $"no service {service}");
        var ports = Service(service).Children.ContainsKey("ports") ? Sequence(Service(service), "ports") : [];
        Assert.Contains(ports, p => p.EndsWith($":{port}"));
    }

    private static string ConnectionStringPart(string connectionString, string key) =>
        connectionString.Split(';', StringSplitOptions.RemoveEmptyEntries).Select(p => p.Split('=', 2)).Single(p => p[0] == key)[1];

    private static int ExposedPort(string dockerfile) => int.Parse(Regex.Match(dockerfile, @"^EXPOSE (\d+)", RegexOptions.Multiline).Groups[1].Value);

    private static int UrlPort(string urls) => int.Parse(Regex.Match(urls, @":(\d+)$").Groups[1].Value);

    [GeneratedRegex(@"^FROM \S+", RegexOptions.Multiline)]
    private static partial Regex FromRegex();

    [GeneratedRegex(@"^USER (\S+)", RegexOptions.Multiline)]
    private static partial Regex UserRegex();
}
