using System.Text;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using VoiceAgents.Core.Auth;

namespace VoiceAgents.Core.Telephony;

/// <summary>
/// What a phone call's media stream may do: talk to one agent of one tenant as one call. <paramref name="CalledNumber"/>
/// is the tenant's number an inbound call came in on, whose variables the call starts with.
/// </summary>
public sealed record StreamGrant(string CallId, string TenantId, string AgentId, string? CampaignId, string? PhoneNumber, int Attempt, string? CalledNumber = null);

/// <summary>
/// The short-lived token the TwiML hands to the media stream (a <c>Parameter</c> of <c>&lt;Stream&gt;</c>), signed
/// with the API's JWT key for its own audience, so voice-host trusts the call, agent and tenant it names and an
/// access token cannot stand in for it (nor it for an access token).
/// </summary>
public sealed class StreamTokens(IOptions<JwtOptions> jwt, IOptions<TwilioOptions> twilio, TimeProvider time)
{
    public const string AudienceSuffix = "-media-stream";
    private readonly JsonWebTokenHandler _handler = new() { MapInboundClaims = false };
    private readonly SymmetricSecurityKey _key = new(Encoding.UTF8.GetBytes(jwt.Value.SigningKey));
    private string Audience => jwt.Value.Audience + AudienceSuffix;

    public string Create(StreamGrant grant)
    {
        var now = time.GetUtcNow().UtcDateTime;
        var claims = new Dictionary<string, object>
        {
            ["call_id"] = grant.CallId,
            ["tenant_id"] = grant.TenantId,
            ["agent_id"] = grant.AgentId,
            ["attempt"] = grant.Attempt,
        };
        if (grant.CampaignId is not null) claims["campaign_id"] = grant.CampaignId;
        if (grant.PhoneNumber is not null) claims["phone_number"] = grant.PhoneNumber;
        if (grant.CalledNumber is not null) claims["called_number"] = grant.CalledNumber;
        return _handler.CreateToken(new SecurityTokenDescriptor
        {
            Issuer = jwt.Value.Issuer,
            Audience = Audience,
            IssuedAt = now,
            NotBefore = now,
            Expires = now + twilio.Value.StreamTokenLifetime,
            Claims = claims,
            SigningCredentials = new SigningCredentials(_key, SecurityAlgorithms.HmacSha256),
        });
    }

    public async Task<StreamGrant?> ValidateAsync(string? token)
    {
        if (string.IsNullOrWhiteSpace(token) || token.Length > 4096) return null;
        var result = await _handler.ValidateTokenAsync(token, new TokenValidationParameters
        {
            ValidIssuer = jwt.Value.Issuer,
            ValidAudience = Audience,
            IssuerSigningKey = _key,
            ValidAlgorithms = [SecurityAlgorithms.HmacSha256],
            RequireSignedTokens = true,
            RequireExpirationTime = true,
            ClockSkew = TimeSpan.FromSeconds(30),
            LifetimeValidator = (notBefore, expires, _, p) =>
            {
                var now = time.GetUtcNow().UtcDateTime;
                return expires is { } e && e + p.ClockSkew > now && (notBefore is not { } nb || nb - p.ClockSkew <= now);
            },
        });
        if (!result.IsValid) return null;
        var c = result.ClaimsIdentity;
        string? Get(string type) => c.FindFirst(type)?.Value;
        if (Get("call_id") is not { } callId || Get("tenant_id") is not { } tenantId || Get("agent_id") is not { } agentId) return null;
        return new StreamGrant(callId, tenantId, agentId, Get("campaign_id"), Get("phone_number"), int.TryParse(Get("attempt"), out var a) ? a : 1, Get("called_number"));
    }
}

public static class TelephonyServiceCollectionExtensions
{
    /// <summary>
    /// The Twilio options, the media-stream tokens and the accounts calls run on, which the Functions app (signing,
    /// dialing) and voice-host (checking, transferring) share; placing calls through Twilio's REST API is the Functions app's alone (its Dialer feature).
    /// </summary>
    public static IServiceCollection AddTelephony(this IServiceCollection services)
    {
        services.AddOptions<TwilioOptions>().BindConfiguration(TwilioOptions.Section);
        services.TryAddSingleton<StreamTokens>();
        services.TryAddSingleton<TelephonyAccounts>();
        return services;
    }
}
