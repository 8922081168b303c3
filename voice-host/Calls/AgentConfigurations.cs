using Microsoft.Extensions.Caching.Memory;
using Microsoft.Extensions.Options;
using MongoDB.Driver;
using VoiceAgents.Core.Data;
using VoiceAgents.Core.Domain;
using VoiceAgents.VoiceHost.Configuration;

namespace VoiceAgents.VoiceHost.Calls;

/// <summary>
/// The agents calls start with, read from MongoDB through a short cache: a time to live of
/// <see cref="VoiceOptions.AgentCacheTtl"/> (3 s by default, at most 5 s), so a change made through the API (a new
/// first message, prompt or voice, or the agent deleted) reaches the next call within 5 s without a version check,
/// which would cost the very round trip the cache saves. Only the agent is cached: who may call it (a member's token
/// version, a single-use call token, a publishable key), the tenant's call slots and its provider keys are checked on
/// every call as before. A cached agent is shared by the calls that start within its lifetime, which only read it.
/// </summary>
public sealed class AgentConfigurations : IDisposable
{
    private readonly MongoContext _db;
    private readonly TimeSpan _ttl;
    private readonly MemoryCache _cache;

    public AgentConfigurations(MongoContext db, IOptions<VoiceOptions> options, TimeProvider time)
    {
        _db = db;
        _ttl = options.Value.AgentCacheTtl;
        // Bounded by entry count: a flood of calls to many agents evicts the oldest instead of growing without end.
        _cache = new MemoryCache(new MemoryCacheOptions { SizeLimit = options.Value.AgentCacheEntries, Clock = new TimeProviderClock(time) });
    }

    /// <summary>The tenant's agent, or null when it has none of that id (a miss is not cached: a new agent is callable at once).</summary>
    public async Task<Agent?> GetAsync(string tenantId, string agentId, CancellationToken ct)
    {
        if (_ttl <= TimeSpan.Zero) return await LoadAsync(tenantId, agentId, ct);
        var key = (tenantId, agentId);
        if (_cache.TryGetValue(key, out Agent? cached)) return cached;
        var agent = await LoadAsync(tenantId, agentId, ct);
        if (agent is not null)
        {
            _cache.Set(key, agent, new MemoryCacheEntryOptions { AbsoluteExpirationRelativeToNow = _ttl, Size = 1 });
        }
        return agent;
    }

    private Task<Agent?> LoadAsync(string tenantId, string agentId, CancellationToken ct) =>
        _db.Agents.Find(a => a.Id == agentId && a.TenantId == tenantId).FirstOrDefaultAsync(ct)!;

    public void Dispose() => _cache.Dispose();
}
