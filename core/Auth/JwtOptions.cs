using System.ComponentModel.DataAnnotations;

namespace VoiceAgents.Core.Auth;

public sealed class JwtOptions
{
    public const string Section = "Jwt";

    [Required] public string Issuer { get; set; } = "voiceagents";
    [Required] public string Audience { get; set; } = "voiceagents-api";

    /// <summary>HMAC-SHA256 key; at least 32 bytes. Comes from configuration (Key Vault in Azure), never from code.</summary>
    [Required, MinLength(32)] public string SigningKey { get; set; } = default!;

    public TimeSpan AccessTokenLifetime { get; set; } = TimeSpan.FromMinutes(15);
    public TimeSpan RefreshTokenLifetime { get; set; } = TimeSpan.FromDays(30);

    /// <summary>
    /// How long a process trusts its cached copy of a user's token version: the longest a removed or demoted member's
    /// access token still works on a process other than the one that removed them; at most the 5 s promised.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00", "00:00:05")]
    public TimeSpan UserCheckInterval { get; set; } = TimeSpan.FromSeconds(2);
}
