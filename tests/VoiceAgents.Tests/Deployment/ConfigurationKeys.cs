using System.Reflection;

namespace VoiceAgents.Tests.Deployment;

/// <summary>
/// The configuration keys the apps really read, as environment-variable names (<c>Section__Property</c>): every
/// options class in core and voice-host that declares a <c>Section</c> constant contributes its settable
/// properties (the Functions app's options too), and the few settings read by name (<c>config["..."]</c>) are listed here beside where they are read.
/// </summary>
public static class ConfigurationKeys
{
    /// <summary>Settings read by name rather than bound to an options class.</summary>
    public static readonly IReadOnlySet<string> ReadByName = new HashSet<string>(StringComparer.Ordinal)
    {
        "AzureWebJobsStorage",                  // core ServiceCollectionExtensions (queues), the Functions host
        "CallCompletedQueue", "EventsQueue", "WebhookDeliveriesQueue", "CallAnalysisQueue", // core QueueNames.*Setting, the queue triggers' %...%
        "DialerSchedule",                       // functions DialerOptions.ScheduleSetting, the timer trigger's %...%
        "ASPNETCORE_URLS", "DOTNET_ENVIRONMENT", "ASPNETCORE_ENVIRONMENT", // ASP.NET Core host
        "OTEL_EXPORTER_OTLP_ENDPOINT", "OTEL_SERVICE_NAME", // OpenTelemetry SDK
        "APPLICATIONINSIGHTS_CONNECTION_STRING", // Azure Monitor exporter, the Functions host
        "AZURE_CLIENT_ID",                      // Azure.Identity: which managed identity to use
        "FUNCTIONS_WORKER_RUNTIME", "AzureWebJobsScriptRoot", "AzureFunctionsJobHost__Logging__Console__IsEnabled", // Functions host
    };

    /// <summary>Settings whose values are secrets: they come from Key Vault in Azure, never from plain settings.</summary>
    public static IReadOnlySet<string> Secrets { get; } = FindSecrets();

    /// <summary>Every key bound to an options class, by environment-variable name.</summary>
    public static IReadOnlySet<string> Bound { get; } = FindBound();

    /// <summary>Dictionaries bound by key (<c>Credentials__MasterKeys</c>): each entry is <c>Credentials__MasterKeys__&lt;key&gt;</c>.</summary>
    public static IReadOnlySet<string> BoundDictionaries { get; } = OptionsTypes()
        .SelectMany(o => o.Type.GetProperties(BindingFlags.Public | BindingFlags.Instance)
            .Where(p => p.CanWrite && p.PropertyType.IsGenericType && p.PropertyType.GetGenericTypeDefinition() == typeof(Dictionary<,>))
            .Select(p => EnvName(o.Section, p.Name)))
        .ToHashSet(StringComparer.Ordinal);

    public static bool IsReal(string key) =>
        ReadByName.Contains(key) || Bound.Contains(key) || BoundDictionaries.Any(d => key.StartsWith(d + "__", StringComparison.Ordinal) && key.Length > d.Length + 2);

    public static IEnumerable<(string Section, Type Type)> OptionsTypes() =>
        new[] { typeof(Core.Data.MongoOptions).Assembly, typeof(VoiceHost.Configuration.VoiceOptions).Assembly, typeof(Functions.Infrastructure.ApiSetup).Assembly }
            .SelectMany(a => a.GetTypes())
            .Where(t => t is { IsClass: true, IsAbstract: false })
            .Select(t => (Field: t.GetField("Section", BindingFlags.Public | BindingFlags.Static), Type: t))
            .Where(x => x.Field is { IsLiteral: true } && x.Field.FieldType == typeof(string))
            .Select(x => ((string)x.Field!.GetRawConstantValue()!, x.Type));

    private static string EnvName(string section, string property) => section.Replace(":", "__") + "__" + property;

    private static HashSet<string> FindBound() =>
        OptionsTypes()
            .SelectMany(o => o.Type.GetProperties(BindingFlags.Public | BindingFlags.Instance)
                .Where(p => p.CanWrite)
                .Select(p => EnvName(o.Section, p.Name)))
            .ToHashSet(StringComparer.Ordinal);

    private static HashSet<string> FindSecrets()
    {
        string[] secretNames = ["ApiKey", "SigningKey", "AccessKey", "SecretKey", "ConnectionString", "Password", "AuthToken"];
        return OptionsTypes()
            .SelectMany(o => o.Type.GetProperties(BindingFlags.Public | BindingFlags.Instance)
                .Where(p => p.CanWrite && secretNames.Contains(p.Name))
                .Select(p => EnvName(o.Section, p.Name)))
            .Append("AzureWebJobsStorage")
            .Append("APPLICATIONINSIGHTS_CONNECTION_STRING")
            .ToHashSet(StringComparer.Ordinal);
    }
}
