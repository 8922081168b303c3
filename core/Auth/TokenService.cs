using System.Security.Claims;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace VoiceAgents.Core.Auth;

/// <summary>The identity an access token carries.</summary>
public sealed record TokenIdentity(string UserId, string TenantId, string Role, string? Email);

/// <summary>Issues and validates the API's access tokens. voice-host validates the very same tokens.</summary>
public sealed class TokenService
{
    public const string UserIdClaim = "user_id";
    public const string TenantIdClaim = "tenant_id";
    public const string RoleClaim = "role";
    public const string EmailClaim = "email";

    private readonly JwtOptions _options;
    private readonly TimeProvider _time;
    private readonly JsonWebTokenHandler _handler = new() { MapInboundClaims = false };
    private readonly SymmetricSecurityKey _key;

    public TokenService(IOptions<JwtOptions> options, TimeProvider time)
    {
        _options = options.Value;
        _time = time;
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

    /// <summary>Validates signature (HS256 only, so <c>alg: none</c> fails), issuer, audience and lifetime.</summary>
    public async Task<TokenIdentity?> ValidateAsync(string? token)
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
        return userId is null || tenantId is null || role is null ? null : new TokenIdentity(userId, tenantId, role, Get(EmailClaim));
    }

    /// <summary>A new opaque refresh token and the SHA-256 hash that is stored in its place.</summary>
    public static (string Token, string Hash) NewRefreshToken()
    {
        var token = Base64UrlEncoder.Encode(RandomNumberGenerator.GetBytes(32));
        return (token, HashRefreshToken(token));
    }

    public static string HashRefreshToken(string token) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(token)));
}
