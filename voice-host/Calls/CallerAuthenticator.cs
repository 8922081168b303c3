using MongoDB.Driver;
using VoiceAgents.Core.Auth;
using VoiceAgents.Core.Data;
using VoiceAgents.Core.Domain;
using VoiceAgents.Core.Net;
using VoiceAgents.VoiceHost.Transport;

namespace VoiceAgents.VoiceHost.Calls;

/// <summary>
/// Checks a <c>/ws</c> auth message by its credential: a member's access token (any agent of the tenant, campaigns
/// too), a single-use call token from <c>POST /api/agents/{id}/web-calls</c> (its agent and variables), or a
/// publishable key (its agents, from its allowed origins, within its calls per minute).
/// </summary>
public sealed class CallerAuthenticator(TokenService tokens, MongoContext db, AgentConfigurations agents, PublishableKeyRateLimiter rates, TimeProvider time)
{
    /// <param name="problem">The auth message's first malformed field, if any (a 4400).</param>
    /// <param name="origin">The WebSocket request's <c>Origin</c> header.</param>
    public Task<CallerCheck> CheckAsync(AuthRequest auth, string? problem, string? origin, CancellationToken ct)
    {
        if (auth.PublishableKey is not null) return PublishableKeyAsync(auth, problem, origin, ct);
        if (auth.Token?.StartsWith(CallToken.Prefix, StringComparison.Ordinal) == true) return CallTokenAsync(auth, problem, ct);
        return MemberAsync(auth, problem, ct);
    }

    /// <summary>A valid token (else 4401), then well-formed fields (else 4400), the tenant's agent and campaign (else 4403).</summary>
    private async Task<CallerCheck> MemberAsync(AuthRequest auth, string? problem, CancellationToken ct)
    {
        var identity = await tokens.ValidateAsync(auth.Token, ct);
        if (identity is null) return CallerCheck.Refuse(CloseCodes.Unauthorized, "invalid or expired token");
        if (problem is not null) return CallerCheck.Refuse(CloseCodes.BadMessage, problem);
        var agent = Ids.IsValid(auth.AgentId) ? await AgentAsync(identity.TenantId, auth.AgentId!.ToLowerInvariant(), ct) : null;
        if (agent is null) return CallerCheck.Refuse(CloseCodes.Forbidden, "agent not found for this tenant");
        if (auth.CampaignId is { } campaignId)
        {
            // Only the agent id: a campaign document carries its whole number list.
            var campaignAgent = await db.Campaigns.Find(c => c.Id == campaignId && c.TenantId == identity.TenantId).Project(c => c.AgentId).FirstOrDefaultAsync(ct);
            if (campaignAgent != agent.Id)
            {
                return CallerCheck.Refuse(CloseCodes.Forbidden, campaignAgent is null ? "campaign not found for this tenant" : "the campaign does not use this agent");
            }
        }
        return new CallerCheck(new CallerGrant(identity.TenantId, agent, auth.Variables, CallerGrant.Member));
    }

    /// <summary>
    /// Redeems the token in one guarded single-document update (unused, unexpired, and for the named agent, if one is
    /// named), so of two callers racing with one token exactly one gets in. The message is checked first, so a
    /// malformed one does not use the token up.
    /// </summary>
    private async Task<CallerCheck> CallTokenAsync(AuthRequest auth, string? problem, CancellationToken ct)
    {
        if (NotForPublicCallers(auth, problem) is { } refused) return refused;
        if (auth.Variables is not null) return CallerCheck.Refuse(CloseCodes.BadMessage, "a call token carries its variables; send none with it");
        var hash = OpaqueSecret.Hash(auth.Token!);
        var now = time.GetUtcNow().UtcDateTime;
        var agentId = auth.AgentId?.ToLowerInvariant();
        var filter = Builders<CallToken>.Filter.Where(t => t.TokenHash == hash && t.UsedAt == null && t.ExpiresAt > now);
        if (agentId is not null) filter &= Builders<CallToken>.Filter.Eq(t => t.AgentId, agentId);
        var token = await db.CallTokens.FindOneAndUpdateAsync(filter, Builders<CallToken>.Update.Set(t => t.UsedAt, now), cancellationToken: ct);
        if (token is null)
        {
            var known = await db.CallTokens.Find(t => t.TokenHash == hash).FirstOrDefaultAsync(ct);
            return known switch
            {
                null => CallerCheck.Refuse(CloseCodes.Unauthorized, "invalid call token"),
                { UsedAt: not null } => CallerCheck.Refuse(CloseCodes.Unauthorized, "call token already used"),
                _ when known.ExpiresAt <= now => CallerCheck.Refuse(CloseCodes.Unauthorized, "call token expired"),
                _ => CallerCheck.Refuse(CloseCodes.Forbidden, "the call token is for another agent"),
            };
        }
        var agent = await AgentAsync(token.TenantId, token.AgentId, ct);
        if (agent is null) return CallerCheck.Refuse(CloseCodes.Forbidden, "agent not found for this tenant");
        return new CallerCheck(new CallerGrant(token.TenantId, agent, token.Variables, CallerGrant.CallToken));
    }

    /// <summary>
    /// A known key (else 4401), the page's origin among its allowed ones and the agent among its agents (else 4403),
    /// then its calls per minute (else 4429). The count comes last, so refused attempts do not use up the limit.
    /// </summary>
    private async Task<CallerCheck> PublishableKeyAsync(AuthRequest auth, string? problem, string? origin, CancellationToken ct)
    {
        if (NotForPublicCallers(auth, problem) is { } refused) return refused;
        if (auth.Token is not null) return CallerCheck.Refuse(CloseCodes.BadMessage, "send a token or a publishable_key, not both");
        var key = await db.PublishableKeys.Find(k => k.Key == auth.PublishableKey).FirstOrDefaultAsync(ct);
        if (key is null) return CallerCheck.Refuse(CloseCodes.Unauthorized, "unknown publishable key");
        if (WebOrigin.Normalize(origin) is not { } page || !key.AllowedOrigins.Contains(page)) return CallerCheck.Refuse(CloseCodes.Forbidden, "origin not allowed");
        var agentId = auth.AgentId?.ToLowerInvariant();
        if (agentId is null || !key.AgentIds.Contains(agentId)) return CallerCheck.Refuse(CloseCodes.Forbidden, "agent not allowed for this publishable key");
        var agent = await AgentAsync(key.TenantId, agentId, ct);
        if (agent is null) return CallerCheck.Refuse(CloseCodes.Forbidden, "agent not found for this tenant");
        if (await rates.TryCountAsync(key.Id, key.CallsPerMinute, ct) is { } wait)
        {
            return CallerCheck.Refuse(CloseCodes.TooManyCalls, $"this key allows {key.CallsPerMinute} calls a minute; try again in {Math.Max(1, (int)Math.Ceiling(wait.TotalSeconds))} s");
        }
        return new CallerCheck(new CallerGrant(key.TenantId, agent, auth.Variables, CallerGrant.PublishableKey));
    }

    /// <summary>A malformed message (4400), or a campaign contact named by a caller who is no member (4403): their variables are the tenant's data.</summary>
    private static CallerCheck? NotForPublicCallers(AuthRequest auth, string? problem)
    {
        if (problem is not null) return CallerCheck.Refuse(CloseCodes.BadMessage, problem);
        if (auth.CampaignId is not null || auth.PhoneNumber is not null) return CallerCheck.Refuse(CloseCodes.Forbidden, "campaign_id and phone_number need a member's token");
        return null;
    }

    private Task<Agent?> AgentAsync(string tenantId, string agentId, CancellationToken ct) => agents.GetAsync(tenantId, agentId, ct);
}
