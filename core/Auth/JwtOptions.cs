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
}
