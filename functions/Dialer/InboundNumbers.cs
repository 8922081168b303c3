using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Azure.Functions.Worker;
using MongoDB.Driver;
using VoiceAgents.Core.Auth;
using VoiceAgents.Core.Data;
using VoiceAgents.Core.Domain;
using VoiceAgents.Core.Errors;
using VoiceAgents.Core.Telephony;
using VoiceAgents.Functions.Infrastructure;
using VoiceAgents.Functions.OpenApi;

namespace VoiceAgents.Functions.Dialer;

public sealed record InboundNumberRequest(string? AgentId);

public sealed record InboundNumberResponse(string PhoneNumber, string AgentId, DateTime CreatedAt)
{
    public static InboundNumberResponse From(InboundNumber n) => new(n.PhoneNumber, n.AgentId, n.CreatedAt);
}

/// <summary>Which agent answers inbound calls to which of the tenant's telephony numbers. A number belongs to one tenant.</summary>
public sealed class InboundNumbersService(MongoContext db, CurrentUser current, TimeProvider time)
{
    public async Task<IReadOnlyList<InboundNumberResponse>> ListAsync(CancellationToken ct) =>
        (await db.InboundNumbers.Find(n => n.TenantId == current.TenantId).SortBy(n => n.PhoneNumber).Limit(1000).ToListAsync(ct)).Select(InboundNumberResponse.From).ToList();

    public async Task<InboundNumberResponse> PutAsync(string number, InboundNumberRequest request, CancellationToken ct)
    {
        var v = new Validation();
        if (!PhoneNumbers.IsValid(number)) v.Add("phone_number", "must be an E.164 number such as +14155550123.");
        if (!Ids.IsValid(request.AgentId)) v.Add("agent_id", "must be a 24-character hexadecimal id.");
        v.ThrowIfInvalid();
        var agentId = request.AgentId!.ToLowerInvariant();
        if (!await db.Agents.Find(a => a.Id == agentId && a.TenantId == current.TenantId).AnyAsync(ct))
        {
            throw new ValidationException("agent_id", "does not name an agent of this organization.");
        }
        var existing = await db.InboundNumbers.Find(n => n.PhoneNumber == number).FirstOrDefaultAsync(ct);
        if (existing is not null && existing.TenantId != current.TenantId) throw new ConflictException("The number is mapped by another organization.");
        if (existing is not null)
        {
            var updated = await db.InboundNumbers.FindOneAndUpdateAsync(
                n => n.Id == existing.Id && n.TenantId == current.TenantId, Builders<InboundNumber>.Update.Set(n => n.AgentId, agentId),
                new FindOneAndUpdateOptions<InboundNumber> { ReturnDocument = ReturnDocument.After }, ct) ?? throw new NotFoundException("Inbound number");
            return InboundNumberResponse.From(updated);
        }
        var created = new InboundNumber { Id = Ids.New(), PhoneNumber = number, TenantId = current.TenantId, AgentId = agentId, CreatedAt = time.GetUtcNow().UtcDateTime };
        try
        {
            // The unique index on phone_number decides a race between two organizations.
            await db.InboundNumbers.InsertOneAsync(created, cancellationToken: ct);
        }
        catch (MongoWriteException e) when (e.WriteError.Category == ServerErrorCategory.DuplicateKey)
        {
            throw new ConflictException("The number was mapped meanwhile; try again.");
        }
        return InboundNumberResponse.From(created);
    }

    public async Task DeleteAsync(string number, CancellationToken ct)
    {
        var deleted = await db.InboundNumbers.DeleteOneAsync(n => n.PhoneNumber == number && n.TenantId == current.TenantId, ct);
        if (deleted.DeletedCount == 0) throw new NotFoundException("Inbound number");
    }
}

[Authorize(Roles = Roles.Admin)]
public sealed class InboundNumbersFunctions(InboundNumbersService numbers)
{
    [Function("ListInboundNumbers")]
    [OpenApiOperation("telephony", "The numbers that answer inbound calls, with their agents", null, typeof(IReadOnlyList<InboundNumberResponse>))]
    public async Task<Ok<IReadOnlyList<InboundNumberResponse>>> List(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "inbound-numbers")] HttpRequest req, CancellationToken ct) =>
        TypedResults.Ok(await numbers.ListAsync(ct));

    [Function("PutInboundNumber")]
    [OpenApiOperation("telephony", "Let an agent answer inbound calls to a number (E.164, URL-encoded)", typeof(InboundNumberRequest), typeof(InboundNumberResponse))]
    public async Task<Ok<InboundNumberResponse>> Put(
        [HttpTrigger(AuthorizationLevel.Anonymous, "put", Route = "inbound-numbers/{number}")] HttpRequest req, string number, CancellationToken ct) =>
        TypedResults.Ok(await numbers.PutAsync(Uri.UnescapeDataString(number), await RequestBody.ReadAsync<InboundNumberRequest>(req, ct), ct));

    [Function("DeleteInboundNumber")]
    [OpenApiOperation("telephony", "Stop answering inbound calls to a number", null, null, 204)]
    public async Task<NoContent> Delete(
        [HttpTrigger(AuthorizationLevel.Anonymous, "delete", Route = "inbound-numbers/{number}")] HttpRequest req, string number, CancellationToken ct)
    {
        await numbers.DeleteAsync(Uri.UnescapeDataString(number), ct);
        return TypedResults.NoContent();
    }
}
