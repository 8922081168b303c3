namespace VoiceAgents.Core.Net;

/// <summary>
/// A web origin (RFC 6454) as <c>scheme://host[:port]</c>: lowercase, the scheme's default port left out, so two
/// spellings of one origin compare equal as strings, and different schemes, hosts or ports never do.
/// </summary>
public static class WebOrigin
{
    /// <summary>The normalized origin, or null when <paramref name="origin"/> is not an http(s) origin (a path, query or user info makes it none).</summary>
    public static string? Normalize(string? origin)
    {
        if (string.IsNullOrWhiteSpace(origin) || !Uri.TryCreate(origin.Trim(), UriKind.Absolute, out var uri)) return null;
        if (uri.Scheme is not ("http" or "https") || uri.UserInfo.Length > 0 || uri.Query.Length > 0 || uri.Fragment.Length > 0) return null;
        if (uri.AbsolutePath != "/") return null;
        return uri.IsDefaultPort ? $"{uri.Scheme}://{uri.Host}" : $"{uri.Scheme}://{uri.Host}:{uri.Port}";
    }
}
