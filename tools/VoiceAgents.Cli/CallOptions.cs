using System.Globalization;

namespace VoiceAgents.Cli;

/// <summary>The arguments of <c>call</c>.</summary>
public sealed record CallOptions(
    string AgentId,
    string WavPath,
    string OutPath,
    Uri Api,
    Uri WebSocket,
    string? Email,
    string? Password,
    string? Token,
    TimeSpan SilenceAfter,
    TimeSpan Timeout)
{
    public const string DefaultApi = "http://127.0.0.1:7071/api";
    public const string DefaultWebSocket = "ws://127.0.0.1:7860/ws";

    public const string Usage = """
        usage: VoiceAgents.Cli call --agent ID --wav in.wav --out reply.wav [options]

        Calls an agent over /ws like a phone caller: streams in.wav (PCM16 mono, 8-48 kHz) in real time, keeps the
        line open with silence, waits for the agent's reply, hangs up, saves the reply audio and prints the
        transcript and per-turn metrics.

          --agent ID            the agent to call (24-hex id)
          --wav FILE            what the caller says
          --out FILE            where to save the reply audio (WAV at the server's output rate)
          --api URL             the REST API, for the login (default http://127.0.0.1:7071/api)
          --ws URL              voice-host's WebSocket (default ws://127.0.0.1:7860/ws)
          --email E --password P
                                login (or VOICEAGENTS_EMAIL / VOICEAGENTS_PASSWORD)
          --token T             an access token instead of a login (or VOICEAGENTS_TOKEN)
          --silence-after S     after the WAV, hang up once neither side has spoken for this long and the agent
                                owes no reply to what it heard (default 8)
          --timeout S           give up on the whole call after this long (default 120)

        exit codes: 0 the call went through; 1 a failure (network, fatal server error); 2 bad arguments or WAV;
        3 login or token refused (4401); 4 agent not found for this tenant (4403)
        """;

    /// <summary>Parses the arguments; returns null and an error message when they are unusable.</summary>
    public static (CallOptions? Options, string? Error) Parse(IReadOnlyList<string> args, Func<string, string?> environment)
    {
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        string[] known = ["--agent", "--wav", "--out", "--api", "--ws", "--email", "--password", "--token", "--silence-after", "--timeout"];
        for (var i = 0; i < args.Count; i++)
        {
            var arg = args[i];
            string name, value;
            var eq = arg.IndexOf('=', StringComparison.Ordinal);
            if (arg.StartsWith("--", StringComparison.Ordinal) && eq > 0)
            {
                (name, value) = (arg[..eq], arg[(eq + 1)..]);
            }
            else
            {
                name = arg;
                if (i + 1 >= args.Count) return (null, $"{arg} needs a value");
                value = args[++i];
            }
            if (!known.Contains(name)) return (null, $"unknown option {name}");
            values[name] = value;
        }

        string? Get(string name) => values.TryGetValue(name, out var v) && v.Length > 0 ? v : null;
        var agent = Get("--agent");
        var wav = Get("--wav");
        var output = Get("--out");
        if (agent is null || wav is null || output is null) return (null, "--agent, --wav and --out are required");
        if (!Uri.TryCreate(Get("--api") ?? DefaultApi, UriKind.Absolute, out var api) || api.Scheme is not ("http" or "https"))
        {
            return (null, "--api must be an http(s) URL");
        }
        if (!Uri.TryCreate(Get("--ws") ?? DefaultWebSocket, UriKind.Absolute, out var ws) || ws.Scheme is not ("ws" or "wss"))
        {
            return (null, "--ws must be a ws(s) URL");
        }
        var silence = Seconds(Get("--silence-after"), 8);
        var timeout = Seconds(Get("--timeout"), 120);
        if (silence is null || silence < TimeSpan.Zero) return (null, "--silence-after must be a number of seconds");
        if (timeout is null || timeout <= TimeSpan.Zero) return (null, "--timeout must be a positive number of seconds");

        var token = Get("--token") ?? environment("VOICEAGENTS_TOKEN");
        var email = Get("--email") ?? environment("VOICEAGENTS_EMAIL");
        var password = Get("--password") ?? environment("VOICEAGENTS_PASSWORD");
        if (token is null && (string.IsNullOrEmpty(email) || string.IsNullOrEmpty(password)))
        {
            return (null, "give --email and --password (or VOICEAGENTS_EMAIL and VOICEAGENTS_PASSWORD), or --token");
        }
        return (new CallOptions(agent, wav, output, api, ws, email, password, token, silence.Value, timeout.Value), null);
    }

    private static TimeSpan? Seconds(string? text, double fallback)
    {
        if (text is null) return TimeSpan.FromSeconds(fallback);
        return double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var s) && double.IsFinite(s) ? TimeSpan.FromSeconds(s) : null;
    }
}
