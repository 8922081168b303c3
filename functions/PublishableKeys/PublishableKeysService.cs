using MongoDB.Driver;
using VoiceAgents.Core.Auth;
using VoiceAgents.Core.Data;
using VoiceAgents.Core.Domain;
using VoiceAgents.Core.Errors;
using VoiceAgents.Core.Net;
using VoiceAgents.Functions.Auth;

namespace VoiceAgents.Functions.PublishableKeys;

/// <summary>An admin creates, lists and deletes publishable keys; voice-host checks them at <c>/ws</c>.</summary>
public sealed class PublishableKeysService(MongoContext db, CurrentUser current, TimeProvider time)
{
    public const int MaxAgents = 50;
    public const int MaxOrigins = 20;

    public async Task<PublishableKeyResponse> CreateAsync(CreatePublishableKeyRequest request, CancellationToken ct)
    {
        var v = new Validation();
        v.Required("name", request.Name, 100);
        var agentIds = new List<string>();
        if (request.AgentIds is not { Length: > 0 and <= MaxAgents }) v.Add("agent_ids", $"from 1 to {MaxAgents} agent ids are required.");
        else
        {
            for (var i = 0; i < request.AgentIds.Length; i++)
            {
                if (Ids.IsValid(request.AgentIds[i])) agentIds.Add(request.AgentIds[i].ToLowerInvariant());
                else v.Add($"agent_ids[{i}]", "must be a 24-character hexadecimal id.");
            }
        }
        var origins = new List<string>();
        if (request.AllowedOrigins is not { Length: > 0 and <= MaxOrigins }) v.Add("allowed_origins", $"from 1 to {MaxOrigins} origins are required.");
        else
        {
            for (var i = 0; i < request.AllowedOrigins.Length; i++)
            {
                if (WebOrigin.Normalize(request.AllowedOrigins[i]) is { } origin) origins.Add(origin);
                else v.Add($"allowed_origins[{i}]", "must be an origin such as https://www.example.com or http://127.0.0.1:5500, without a path.");
            }
        }
        v.Range("calls_per_minute", request.CallsPerMinute, 1, PublishableKey.MaxCallsPerMinute);
        v.ThrowIfInvalid();

        agentIds = agentIds.Distinct().ToList();
        var found = await db.Agents.Find(Builders<Agent>.Filter.Eq(a => a.TenantId, current.TenantId) & Builders<Agent>.Filter.In(a => a.Id, agentIds))
            .Project<Agent>(Builders<Agent>.Projection.Include(a => a.Id)).ToListAsync(ct);
        if (agentIds.Except(found.Select(a => a.Id)).FirstOrDefault() is { } missing) throw new ValidationException("agent_ids", $"agent {missing} was not found.");

        var key = new PublishableKey
        {
            Id = Ids.New(),
            TenantId = current.TenantId,
            Name = request.Name!.Trim(),
            Key = OpaqueSecret.New(PublishableKey.Prefix),
            AgentIds = [.. agentIds],
            AllowedOrigins = [.. origins.Distinct()],
            CallsPerMinute = request.CallsPerMinute ?? PublishableKey.DefaultCallsPerMinute,
            CreatedAt = time.GetUtcNow().UtcDateTime,
        };
        await db.PublishableKeys.InsertOneAsync(key, cancellationToken: ct);
        return PublishableKeyResponse.From(key);
    }

    public async Task<PublishableKeyList> ListAsync(CancellationToken ct)
    {
        var keys = await db.PublishableKeys.Find(k => k.TenantId == current.TenantId).SortByDescending(k => k.CreatedAt).Limit(1000).ToListAsync(ct);
        return new PublishableKeyList(keys.Select(PublishableKeyResponse.From).ToList());
    }

    /// <summary>Deletes the key: voice-host reads keys uncached, so the next call with it is refused.</summary>
    public async Task DeleteAsync(string id, CancellationToken ct)
    {
        id = Ids.Parse(id);
        var deleted = await db.PublishableKeys.DeleteOneAsync(k => k.Id == id && k.TenantId == current.TenantId, ct);
        if (deleted.DeletedCount == 0) throw new NotFoundException("Publishable key");
    }
}
