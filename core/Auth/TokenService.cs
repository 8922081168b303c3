using System.Security.Claims;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace VoiceAgents.Core.Auth;

/// <summary>
/// The identity an access token carries; <paramref name="TokenVersion"/> is the user's version when it was issued.
/// For an API key, <paramref name="UserId"/> is the key's id, <paramref name="Role"/> is <see cref="ApiKeyRole"/> and
/// <paramref name="Scopes"/> its scopes (<see cref="ApiKeyScopes"/>); a member's token has none.
/// </summary>
public sealed record TokenIdentity(string UserId, string TenantId, string Role, string? Email, int TokenVersion = 0, IReadOnlyList<string>? Scopes = null)
{
    /// <summary>The role an API key acts in: no member role, so no admin-only route takes it unless it says so.</summary>
    public const string ApiKeyRole = "api_key";

    public bool IsApiKey => Scopes is not null;
}

/// <summary>
/// Issues and validates the API's access tokens. voice-host validates the very same tokens. A token is valid only
/// while its user still exists in its tenant at the version it carries (<see cref="UserTokenVersions"/>), so a
/// removed or demoted member, or one who changed their password, is refused within seconds everywhere.
/// </summary>
public sealed class TokenService
{
    public const string UserIdClaim = "user_id";
    public const string TenantIdClaim = "tenant_id";
    public const string RoleClaim = "role";
    public const string EmailClaim = "email";
    /// <summary>The user's token version; a token without it counts as version 0.</summary>
    public const string VersionClaim = "ver";

    private readonly JwtOptions _options;
    private readonly TimeProvider _time;
    private readonly JsonWebTokenHandler _handler = new() { MapInboundClaims = false };
    private readonly SymmetricSecurityKey _key;
    private readonly UserTokenVersions? _versions;

    /// <param name="versions">Checks each token against its user's current version; without it (a tool that only
    /// issues tokens) validation checks the signature and claims alone.</param>
    public TokenService(IOptions<JwtOptions> options, TimeProvider time, UserTokenVersions? versions = null)
    {
        _options = options.Value;
        _time = time;
        _versions = versions;
        _key = new SymmetricSecurityKey(Encoding.UTF8.GetBytes(_options.SigningKey));
    }

    public TimeSpan AccessTokenLifetime => _options.AccessTokenLifetime;
    public TimeSpan RefreshTokenLifetime => _options.RefreshTokenLifetime;

    public string CreateAccessToken(TokenIdentity identity)
    {
        var now = _time.GetUtcNow().UtcDateTime;
        var claims = new Dictionary<string, object>
        {
            [UserIdClaim] = identity.UserId,
            [TenantIdClaim] = identity.TenantId,
            [RoleClaim] = identity.Role,
            [VersionClaim] = identity.TokenVersion,
            [JwtRegisteredClaimNames.Sub] = identity.UserId,
            [JwtRegisteredClaimNames.Jti] = Guid.NewGuid().ToString("N"),
        };
        if (identity.Email is not null) claims[EmailClaim] = identity.Email;
        return _handler.CreateToken(new SecurityTokenDescriptor
        {
            Issuer = _options.Issuer,
            Audience = _options.Audience,
            IssuedAt = now,
            NotBefore = now,
            Expires = now + _options.AccessTokenLifetime,
            Claims = claims,
            SigningCredentials = new SigningCredentials(_key, SecurityAlgorithms.HmacSha256),
        });
    }

    /// <summary>
    /// Validates signature (HS256 only, so <c>alg: none</c> fails), issuer, audience and lifetime, then that the user
    /// still exists in the tenant at the token's version.
    /// </summary>
    public async Task<TokenIdentity?> ValidateAsync(string? token, CancellationToken ct = default)
    {
        if (string.IsNullOrWhiteSpace(token) || token.Length > 8192) return null;
        var result = await _handler.ValidateTokenAsync(token, new TokenValidationParameters
        {
            ValidIssuer = _options.Issuer,
            ValidAudience = _options.Audience,
            IssuerSigningKey = _key,
            ValidAlgorithms = [SecurityAlgorithms.HmacSha256],
            RequireSignedTokens = true,
            RequireExpirationTime = true,
            ValidateLifetime = true,
            ClockSkew = TimeSpan.FromSeconds(30),
            LifetimeValidator = (notBefore, expires, _, p) =>
            {
                var now = _time.GetUtcNow().UtcDateTime;
                return expires is { } e && e + p.ClockSkew > now && (notBefore is not { } nb || nb - p.ClockSkew <= now);
            },
        });
        if (!result.IsValid) return null;
        var c = result.ClaimsIdentity;
        string? Get(string type) => c.FindFirst(type)?.Value;
        var userId = Get(UserIdClaim);
        var tenantId = Get(TenantIdClaim);
        var role = Get(RoleClaim);
        if (userId is null || tenantId is null || role is null) return null;
        var version = 0;
        if (Get(VersionClaim) is { } v && !int.TryParse(v, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out version)) return null;
        if (_versions is not null && await _versions.CurrentAsync(tenantId, userId, ct) != version) return null;
        return new TokenIdentity(userId, tenantId, role, Get(EmailClaim), version);
    }

    /// <summary>A new opaque refresh token and the SHA-256 hash that is stored in its place.</summary>
    public static (string Token, string Hash) NewRefreshToken()
    {
        var token = OpaqueSecret.New();
        return (token, HashRefreshToken(token));
    }

    public static string HashRefreshToken(string token) => OpaqueSecret.Hash(token);
}
