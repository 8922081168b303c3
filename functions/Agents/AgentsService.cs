using MongoDB.Driver;
using VoiceAgents.Core.Data;
using VoiceAgents.Core.Domain;
using VoiceAgents.Core.Errors;
using VoiceAgents.Functions.Auth;
using VoiceAgents.Functions.Infrastructure;

namespace VoiceAgents.Functions.Agents;

public sealed class AgentsService(MongoContext db, CurrentUser current, TimeProvider time)
{
    public async Task<Page<AgentResponse>> ListAsync(PageRequest page, CancellationToken ct)
    {
        var filter = Builders<Agent>.Filter.Eq(a => a.TenantId, current.TenantId);
        return await db.Agents.PageAsync(filter, page, AgentResponse.From, ct);
    }

    public async Task<AgentResponse> GetAsync(string id, CancellationToken ct) => AgentResponse.From(await FindAsync(Ids.Parse(id), ct));

    public async Task<AgentResponse> CreateAsync(AgentRequest request, CancellationToken ct)
    {
        var now = time.GetUtcNow().UtcDateTime;
        var agent = AgentValidator.Create(request, current.TenantId, current.UserId, now);
        await db.Agents.InsertOneAsync(agent, cancellationToken: ct);
        return AgentResponse.From(agent);
    }

    public async Task<AgentResponse> UpdateAsync(string id, AgentRequest request, CancellationToken ct)
    {
        var agent = await FindAsync(Ids.Parse(id), ct);
        AgentValidator.Apply(request, agent);
        agent.UpdatedAt = time.GetUtcNow().UtcDateTime;
        var result = await db.Agents.ReplaceOneAsync(a => a.Id == agent.Id && a.TenantId == current.TenantId, agent, cancellationToken: ct);
        if (result.MatchedCount == 0) throw new NotFoundException("Agent");
        return AgentResponse.From(agent);
    }

    public async Task DeleteAsync(string id, CancellationToken ct)
    {
        id = Ids.Parse(id);
        var inUse = await db.Campaigns.Find(c => c.TenantId == current.TenantId && c.AgentId == id
                && (c.Status == CampaignStatus.Running || c.Status == CampaignStatus.Paused))
            .Project<Campaign>(Builders<Campaign>.Projection.Include(c => c.Id)).FirstOrDefaultAsync(ct);
        if (inUse is not null)
        {
            throw new ConflictException($"The agent is used by campaign {inUse.Id}, which is running or paused. Cancel or complete it first.");
        }
        var result = await db.Agents.DeleteOneAsync(a => a.Id == id && a.TenantId == current.TenantId, ct);
        if (result.DeletedCount == 0) throw new NotFoundException("Agent");
    }

    private async Task<Agent> FindAsync(string id, CancellationToken ct) =>
        await db.Agents.Find(a => a.Id == id && a.TenantId == current.TenantId).FirstOrDefaultAsync(ct)
        ?? throw new NotFoundException("Agent");
}
