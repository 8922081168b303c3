using VoiceAgents.Core.Json;
using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Azure.Functions.Worker;
using MongoDB.Driver;
using VoiceAgents.Core.Calls;
using VoiceAgents.Core.Data;
using VoiceAgents.Core.Domain;
using VoiceAgents.Core.Errors;
using VoiceAgents.Core.Telephony;
using VoiceAgents.Functions.Auth;
using VoiceAgents.Functions.Infrastructure;
using VoiceAgents.Functions.OpenApi;

namespace VoiceAgents.Functions.Dialer;

/// <summary>The agent that answers the number, and the variables every inbound call to it starts with (strings; at most 50, each at most 1 KB).</summary>
public sealed record InboundNumberRequest(
    string? AgentId, [property: JsonConverter(typeof(VerbatimKeysConverter))] IReadOnlyDictionary<string, string?>? Variables = null);

/// <summary>A number allocated to the tenant; <c>agent_id</c> is null while no agent answers it.</summary>
public sealed record InboundNumberResponse(
    string PhoneNumber, string? AgentId, DateTime CreatedAt, [property: JsonConverter(typeof(VerbatimKeysConverter))] IReadOnlyDictionary<string, string?> Variables)
{
    public static InboundNumberResponse From(InboundNumber n) =>
        new(n.PhoneNumber, n.AgentId, n.CreatedAt, n.Variables.ToDictionary(v => v.Key, v => (string?)v.Value));
}

/// <summary>
/// Which agent answers inbound calls to which of the numbers the operator allocated to the tenant. A tenant maps
/// only its own numbers: any other number, another tenant's or nobody's, is simply not found.
/// </summary>
public sealed class InboundNumbersService(MongoContext db, CurrentUser current)
{
    public async Task<IReadOnlyList<InboundNumberResponse>> ListAsync(CancellationToken ct) =>
        (await db.InboundNumbers.Find(n => n.TenantId == current.TenantId).SortBy(n => n.PhoneNumber).Limit(1000).ToListAsync(ct)).Select(InboundNumberResponse.From).ToList();

    public async Task<InboundNumberResponse> PutAsync(string number, InboundNumberRequest request, CancellationToken ct)
    {
        var v = new Validation();
        if (!PhoneNumbers.IsValid(number)) v.Add("phone_number", "must be an E.164 number such as +14155550123.");
        if (!Ids.IsValid(request.AgentId)) v.Add("agent_id", "must be a 24-character hexadecimal id.");
        var variables = request.Variables?.ToDictionary(x => x.Key, x => x.Value!, StringComparer.Ordinal) ?? [];
        if (request.Variables?.Any(x => x.Value is null) == true) v.Add("variables", "values must be strings.");
        else if (CallVariables.Problem(variables) is { } problem) v.Add("variables", problem + ".");
        v.ThrowIfInvalid();
        var agentId = request.AgentId!.ToLowerInvariant();
        if (!await db.Agents.Find(a => a.Id == agentId && a.TenantId == current.TenantId).AnyAsync(ct))
        {
            throw new ValidationException("agent_id", "does not name an agent of this organization.");
        }
        return InboundNumberResponse.From(await MapAsync(number, agentId, variables, ct));
    }

    /// <summary>Stops answering inbound calls to the number; it stays allocated to the tenant, and its variables go.</summary>
    public async Task DeleteAsync(string number, CancellationToken ct) => await MapAsync(number, null, [], ct);

    private async Task<InboundNumber> MapAsync(string number, string? agentId, Dictionary<string, string> variables, CancellationToken ct) =>
        await db.InboundNumbers.FindOneAndUpdateAsync(
            n => n.PhoneNumber == number && n.TenantId == current.TenantId,
            Builders<InboundNumber>.Update.Set(n => n.AgentId, agentId).Set(n => n.Variables, variables),
            new FindOneAndUpdateOptions<InboundNumber> { ReturnDocument = ReturnDocument.After }, ct)
        ?? throw new NotFoundException("Inbound number");
}

[Authorize(Roles = Roles.Admin)]
public sealed class InboundNumbersFunctions(InboundNumbersService numbers)
{
    [Function("ListInboundNumbers")]
    [OpenApiOperation("telephony", "The numbers the operator allocated to this organization, with the agents that answer them", null, typeof(IReadOnlyList<InboundNumberResponse>))]
    public async Task<Ok<IReadOnlyList<InboundNumberResponse>>> List(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "inbound-numbers")] HttpRequest req, CancellationToken ct) =>
        TypedResults.Ok(await numbers.ListAsync(ct));

    [Function("PutInboundNumber")]
    [OpenApiOperation("telephony", "Let an agent answer inbound calls to one of this organization's numbers (E.164, URL-encoded), with the variables its calls start with", typeof(InboundNumberRequest), typeof(InboundNumberResponse))]
    public async Task<Ok<InboundNumberResponse>> Put(
        [HttpTrigger(AuthorizationLevel.Anonymous, "put", Route = "inbound-numbers/{number}")] HttpRequest req, string number, CancellationToken ct) =>
        TypedResults.Ok(await numbers.PutAsync(Uri.UnescapeDataString(number), await RequestBody.ReadAsync<InboundNumberRequest>(req, ct), ct));

    [Function("DeleteInboundNumber")]
    [OpenApiOperation("telephony", "Stop answering inbound calls to a number (it stays allocated)", null, null, 204)]
    public async Task<NoContent> Delete(
        [HttpTrigger(AuthorizationLevel.Anonymous, "delete", Route = "inbound-numbers/{number}")] HttpRequest req, string number, CancellationToken ct)
    {
        await numbers.DeleteAsync(Uri.UnescapeDataString(number), ct);
        return TypedResults.NoContent();
    }
}
