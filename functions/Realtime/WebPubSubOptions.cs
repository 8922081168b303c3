namespace VoiceAgents.Functions.Realtime;

/// <summary>Azure Web PubSub for live updates: <c>WebPubSub:ConnectionString</c> and <c>WebPubSub:Hub</c>.</summary>
public sealed class WebPubSubOptions
{
    public const string Section = "WebPubSub";

    /// <summary>
    /// <c>Endpoint=https://…;AccessKey=…;Version=1.0;</c> (optionally <c>Port=</c>), as the Azure portal shows it. Empty
    /// turns live updates off: events are not published and negotiate answers 503.
    /// </summary>
    public string? ConnectionString { get; set; }

    /// <summary>The hub the dashboard connects to.</summary>
    public string Hub { get; set; } = "dashboard";

    /// <summary>
    /// How long a client access URL from negotiate stays valid for connecting. The service checks it only when a
    /// client connects, so this is how long a removed member could still reconnect with a URL negotiated before the
    /// removal (their open connections are closed at once): short, and the dashboard reconnects a minute before it runs out.
    /// </summary>
    public TimeSpan ClientTokenLifetime { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>How long the bearer token of one REST call lives.</summary>
    public TimeSpan RestTokenLifetime { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>Per REST call.</summary>
    public TimeSpan RequestTimeout { get; set; } = TimeSpan.FromSeconds(10);
}

/// <summary>An Azure Web PubSub connection string, parsed as the service's SDKs parse it.</summary>
public sealed record WebPubSubConnectionString(Uri Endpoint, string AccessKey)
{
    /// <summary>
    /// <c>Key=Value</c> pairs separated by <c>;</c>, keys case-insensitive; <c>Endpoint</c> and <c>AccessKey</c> are
    /// required, <c>Port</c> replaces the endpoint's port, <c>Version</c> and anything else is ignored.
    /// </summary>
    public static WebPubSubConnectionString Parse(string connectionString)
    {
        var values = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var part in connectionString.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var kv = part.Split('=', 2);
            if (kv.Length != 2) continue;
            if (!values.TryAdd(kv[0].Trim(), kv[1].Trim())) throw new FormatException($"Duplicate '{kv[0].Trim()}' in the Web PubSub connection string.");
        }
        if (!values.TryGetValue("Endpoint", out var endpoint) || !Uri.TryCreate(endpoint.TrimEnd('/'), UriKind.Absolute, out var uri)
            || uri.Scheme is not ("http" or "https"))
        {
            throw new FormatException("The Web PubSub connection string needs Endpoint=http(s)://host.");
        }
        if (!values.TryGetValue("AccessKey", out var key) || key.Length == 0)
        {
            throw new FormatException("The Web PubSub connection string needs AccessKey=.");
        }
        var builder = new UriBuilder(uri) { Path = "/", Query = "", Fragment = "" };
        if (values.TryGetValue("Port", out var rawPort))
        {
            if (!int.TryParse(rawPort, out var port) || port is <= 0 or > 0xFFFF) throw new FormatException($"Invalid Port '{rawPort}' in the Web PubSub connection string.");
            builder.Port = port;
        }
        return new WebPubSubConnectionString(builder.Uri, key);
    }

    public static bool TryParse(string? connectionString, out WebPubSubConnectionString? parsed)
    {
        parsed = null;
        if (string.IsNullOrWhiteSpace(connectionString)) return false;
        try
        {
            parsed = Parse(connectionString);
            return true;
        }
        catch (FormatException)
        {
            return false;
        }
    }
}
