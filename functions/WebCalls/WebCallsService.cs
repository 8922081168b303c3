using Microsoft.Extensions.Options;
using MongoDB.Driver;
using VoiceAgents.Core.Auth;
using VoiceAgents.Core.Calls;
using VoiceAgents.Core.Data;
using VoiceAgents.Core.Domain;
using VoiceAgents.Core.Errors;
using VoiceAgents.Functions.Auth;

namespace VoiceAgents.Functions.WebCalls;

/// <summary>
/// Issues call tokens: a tenant's server (or a member) asks for one per call and hands it to a browser, which has no
/// credential of its own. Only the token's hash is stored; voice-host redeems it once, before it expires.
/// </summary>
public sealed class WebCallsService(MongoContext db, CurrentUser current, IOptions<WebCallOptions> options, TimeProvider time)
{
    public async Task<WebCallResponse> CreateAsync(string agentId, WebCallRequest request, CancellationToken ct)
    {
        agentId = Ids.Parse(agentId);
        if (CallVariables.Problem(request.Variables) is { } problem) throw new ValidationException("variables", problem);
        var exists = await db.Agents.CountDocumentsAsync(a => a.Id == agentId && a.TenantId == current.TenantId, new CountOptions { Limit = 1 }, ct);
        if (exists == 0) throw new NotFoundException("Agent");

        var token = OpaqueSecret.New(CallToken.Prefix);
        var now = time.GetUtcNow().UtcDateTime;
        var stored = new CallToken
        {
            Id = Ids.New(),
            TenantId = current.TenantId,
            AgentId = agentId,
            TokenHash = OpaqueSecret.Hash(token),
            Variables = request.Variables ?? [],
            CreatedBy = current.UserId,
            CreatedAt = now,
            ExpiresAt = now + options.Value.TokenLifetime,
        };
        await db.CallTokens.InsertOneAsync(stored, cancellationToken: ct);
        return new WebCallResponse(token, stored.ExpiresAt, options.Value.VoiceUrl);
    }
}
