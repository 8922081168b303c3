using System.Diagnostics;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using VoiceAgents.Tests.Infrastructure;

namespace VoiceAgents.Tests.Deployment;

/// <summary>
/// infra/main.bicep compiled to ARM JSON by the real Bicep CLI (<c>BICEP_PATH</c>, which ./test.sh sets after
/// infra/install-bicep.sh; else the copy that script put under .local/tools), once per test class.
/// </summary>
public sealed partial class CompiledTemplate
{
    public JsonObject Root { get; }
    public string Diagnostics { get; }

    public CompiledTemplate()
    {
        var bicep = FindBicep();
        var psi = new ProcessStartInfo(bicep, ["build", Path.Combine(LocalStack.RepoRoot, "infra", "main.bicep"), "--stdout"])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = LocalStack.RepoRoot,
        };
        using var process = Process.Start(psi)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(TimeSpan.FromMinutes(2))) throw new TimeoutException("bicep build did not finish in 2 minutes");
        Diagnostics = stderr.Result.Trim();
        if (process.ExitCode != 0) throw new InvalidOperationException($"bicep build failed ({process.ExitCode}):\n{Diagnostics}");
        Root = JsonNode.Parse(stdout.Result)!.AsObject();
    }

    private static string FindBicep()
    {
        if (Environment.GetEnvironmentVariable("BICEP_PATH") is { Length: > 0 } path) return path;
        var tools = Path.Combine(LocalStack.RepoRoot, ".local", "tools", "bicep");
        var found = Directory.Exists(tools) ? Directory.GetFiles(tools, "bicep", SearchOption.AllDirectories).OrderDescending().FirstOrDefault() : null;
        return found ?? throw new InvalidOperationException("No Bicep CLI: run infra/install-bicep.sh (./test.sh does) or set BICEP_PATH.");
    }

    public JsonObject Module(string name) =>
        Root["resources"]!.AsArray().Select(r => r!.AsObject())
            .Single(r => (string?)r["type"] == "Microsoft.Resources/deployments" && (string?)r["name"] == name);

    public static JsonObject ModuleTemplate(JsonObject module) => module["properties"]!["template"]!.AsObject();

    public static JsonObject Resource(JsonObject template, string type) =>
        template["resources"]!.AsArray().Select(r => r!.AsObject()).Single(r => (string?)r["type"] == type);

    /// <summary>A module parameter's value as passed by main.bicep (an ARM expression or a literal).</summary>
    public static string ParameterExpression(JsonObject module, string parameter) =>
        Text(module["properties"]!["parameters"]![parameter]!["value"]!);

    private static readonly System.Text.Json.JsonSerializerOptions Unescaped = new() { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>A string node's value, or any other node as JSON with quotes left as they are (not \u0027).</summary>
    public static string Text(JsonNode node) =>
        node is JsonValue v && v.TryGetValue<string>(out var s) ? s : node.ToJsonString(Unescaped);

    /// <summary>
    /// The settings a module's <c>secretUris</c> parameter names, each with the module and output it comes from:
    /// <c>'Setting', reference(resourceId('Microsoft.Resources/deployments', 'module'), ...).outputs.output.value</c>.
    /// </summary>
    public static IEnumerable<(string Setting, string Module, string Output)> SecretSources(string expression) =>
        SecretSourceRegex().Matches(expression).Select(m => (m.Groups[1].Value, m.Groups[2].Value, m.Groups[3].Value));

    /// <summary>The setting names (<c>Section__Key</c>) quoted in an expression, e.g. the keys of its createObject calls.</summary>
    public static IEnumerable<string> SettingNames(string expression) =>
        SettingNameRegex().Matches(expression).Select(m => m.Groups[1].Value);

    [GeneratedRegex(@"'([A-Za-z0-9_]+)', reference\(resourceId\('Microsoft\.Resources/deployments', '([a-z-]+)'\), '[^']+'\)\.outputs\.(\w+)\.value")]
    private static partial Regex SecretSourceRegex();

    [GeneratedRegex(@"'([A-Za-z][A-Za-z0-9]*(?:__[A-Za-z0-9]+)+)'")]
    private static partial Regex SettingNameRegex();
}
