using MongoDB.Driver;
using VoiceAgents.Core.Calls;
using VoiceAgents.Core.Data;
using VoiceAgents.Core.Domain;
using VoiceAgents.Core.Errors;
using VoiceAgents.Core.Net;
using VoiceAgents.Core.Templates;
using VoiceAgents.Functions.Auth;
using VoiceAgents.Functions.Infrastructure;

namespace VoiceAgents.Functions.Agents;

public sealed class AgentsService(MongoContext db, CurrentUser current, TimeProvider time, SsrfGuard targets)
{
    /// <summary>The caller number a preview shows when the request gives none.</summary>
    public const string SamplePhoneNumber = "+15555550100";

    public async Task<Page<AgentResponse>> ListAsync(PageRequest page, CancellationToken ct)
    {
        var filter = Builders<Agent>.Filter.Eq(a => a.TenantId, current.TenantId);
        return await db.Agents.PageAsync(filter, page, a => AgentResponse.From(a), ct);
    }

    public async Task<AgentResponse> GetAsync(string id, CancellationToken ct) => AgentResponse.From(await FindAsync(Ids.Parse(id), ct));

    public async Task<AgentResponse> CreateAsync(AgentRequest request, CancellationToken ct)
    {
        var now = time.GetUtcNow().UtcDateTime;
        var (agent, secrets) = await AgentValidator.CreateAsync(request, current.TenantId, current.UserId, now, targets, ct);
        await AgentKnowledgeBasesValidator.EnsureOwnedAsync(db, current.TenantId, agent.KnowledgeBases, ct);
        await db.Agents.InsertOneAsync(agent, cancellationToken: ct);
        return AgentResponse.From(agent, secrets);
    }

    public async Task<AgentResponse> UpdateAsync(string id, AgentRequest request, CancellationToken ct)
    {
        var agent = await FindAsync(Ids.Parse(id), ct);
        var secrets = await AgentValidator.ApplyAsync(request, agent, targets, ct);
        await AgentKnowledgeBasesValidator.EnsureOwnedAsync(db, current.TenantId, agent.KnowledgeBases, ct);
        agent.UpdatedAt = time.GetUtcNow().UtcDateTime;
        var result = await db.Agents.ReplaceOneAsync(a => a.Id == agent.Id && a.TenantId == current.TenantId, agent, cancellationToken: ct);
        if (result.MatchedCount == 0) throw new NotFoundException("Agent");
        // A tool added by this update has a new secret: this answer is the only one that shows it.
        return AgentResponse.From(agent, secrets);
    }

    /// <summary>
    /// The stored agent's system prompt and first message (or, without an id, the draft's in the request) rendered
    /// over the sample variables and the built-ins, as a call would render them.
    /// </summary>
    public async Task<AgentPreviewResponse> PreviewAsync(string? id, AgentPreviewRequest request, CancellationToken ct)
    {
        var v = new Validation();
        var variables = request.Variables?.ToDictionary(x => x.Key, x => x.Value!, StringComparer.Ordinal);
        if (request.Variables?.Any(x => x.Value is null) == true) v.Add("variables", "values must be strings.");
        else if (CallVariables.Problem(variables) is { } problem) v.Add("variables", problem + ".");
        if (request.PhoneNumber is not null && !Core.Telephony.PhoneNumbers.IsValid(request.PhoneNumber)) v.Add("phone_number", "must be an E.164 number such as +14155550123.");
        if (id is null && request.Agent is null) v.Add("agent", "is required to preview an agent that is not saved.");
        v.ThrowIfInvalid();

        string agentId, systemPrompt;
        string? firstMessage, timeZone;
        if (id is not null)
        {
            var agent = await FindAsync(Ids.Parse(id), ct);
            (agentId, systemPrompt, firstMessage, timeZone) = (agent.Id, agent.SystemPrompt, agent.FirstMessage, agent.TimeZone);
        }
        else
        {
            await AgentValidator.ValidateDraftAsync(request.Agent!, targets, ct);
            (agentId, systemPrompt, firstMessage, timeZone) = ("preview", request.Agent!.SystemPrompt ?? "", request.Agent.FirstMessage, request.Agent.TimeZone);
        }
        var zone = CallBuiltIns.TimeZone(timeZone);
        var model = CallBuiltIns.Model(variables, "preview", agentId, null, request.PhoneNumber ?? SamplePhoneNumber, time.GetUtcNow(), zone);
        return new AgentPreviewResponse(
            LiquidTemplates.Render(systemPrompt, model, zone),
            string.IsNullOrWhiteSpace(firstMessage) ? null : LiquidTemplates.Render(firstMessage, model, zone),
            model);
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
