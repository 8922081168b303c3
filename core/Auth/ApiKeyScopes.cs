namespace VoiceAgents.Core.Auth;

/// <summary>
/// What an API key may do on the REST API: <see cref="Read"/> the GETs, <see cref="Write"/> the changes, and
/// <see cref="Calls"/> start calls (web-call tokens, campaign starts). No scope reaches members, keys or credentials.
/// </summary>
public static class ApiKeyScopes
{
    public const string Read = "read";
    public const string Write = "write";
    public const string Calls = "calls";
    public static readonly string[] All = [Read, Write, Calls];
}
