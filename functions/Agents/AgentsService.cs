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
        var f = Builders<Agent>.Filter;
        var filter = f.Eq(a => a.TenantId, current.TenantId);
        if (page.Cursor is { } c)
        {
            filter &= f.Lt(a => a.CreatedAt, c.CreatedAt) | (f.Eq(a => a.CreatedAt, c.CreatedAt) & f.Lt(a => a.Id, c.Id));
        }
        var items = await db.Agents.Find(filter).SortByDescending(a => a.CreatedAt).ThenByDescending(a => a.Id)
            .Limit(page.Limit + 1).ToListAsync(ct);
        var next = items.Count > page.Limit ? new PageCursor(items[page.Limit - 1].CreatedAt, items[page.Limit - 1].Id).Encode() : null;
        return new Page<AgentResponse>(items.Take(page.Limit).Select(AgentResponse.From).ToList(), next);
    }

    public async Task<AgentResponse> GetAsync(string id, CancellationToken ct) => AgentResponse.From(await FindAsync(Ids.Parse(id), ct));

    public async Task<AgentResponse> CreateAsync(AgentRequest request, CancellationToken ct)
    {
        var now = time.GetUtcNow().UtcDateTime;
        var agent = new Agent { Id = Ids.New(), TenantId = current.TenantId, UserId = current.UserId, CreatedAt = now, UpdatedAt = now };
        AgentValidator.Apply(request, agent);
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
