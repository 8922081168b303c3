using Microsoft.AspNetCore.Http;

namespace VoiceAgents.Functions.Infrastructure;

public static class ClientIp
{
    /// <summary>
    /// The caller's address. Behind the Functions front end it is the last X-Forwarded-For hop, which the platform
    /// appends; earlier hops are client-supplied and not trusted.
    /// </summary>
    public static string Of(HttpContext http)
    {
        var forwarded = http.Request.Headers["X-Forwarded-For"].ToString();
        if (forwarded.Length > 0)
        {
            var last = forwarded.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).LastOrDefault();
            if (!string.IsNullOrEmpty(last)) return last.Length > 64 ? last[..64] : last;
        }
        return http.Connection.RemoteIpAddress?.ToString() ?? "unknown";
    }
}
