using System.Globalization;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.DependencyInjection;
using VoiceAgents.Core.Data;
using VoiceAgents.Core.Errors;
using VoiceAgents.Core.Knowledge;
using VoiceAgents.Functions.Auth;
using VoiceAgents.Functions.OpenApi;

namespace VoiceAgents.Functions.KnowledgeBases;

/// <summary>Trying a knowledge base's retrieval: the chunks a call would get for a question, with their scores.</summary>
public sealed class KnowledgeSearchFunctions(KnowledgeIndexCache indexes, CurrentUser user)
{
    public const int DefaultK = 5;
    public const int MaxK = 20;
    public const int MaxQueryLength = 1_000;

    [Function("SearchKnowledgeBase")]
    [OpenApiOperation("knowledge-bases", "Search a knowledge base as a call would: its best chunks for q, best first, with scores", null, typeof(KnowledgeSearchResults),
        QueryParameters = ["q:string:the question (required)", "k:integer:1 to 20, default 5"])]
    public async Task<Ok<KnowledgeSearchResults>> Search(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "knowledge-bases/{id}/search")] HttpRequest req, string id, CancellationToken ct)
    {
        var kbId = Ids.Parse(id);
        var q = req.Query["q"].ToString();
        var v = new Validation();
        if (v.Required("q", q, MaxQueryLength) && KnowledgeIndex.Terms(q).Count == 0) v.Add("q", "must contain a word to search for.");
        var k = DefaultK;
        var rawK = req.Query["k"].ToString();
        if (rawK.Length > 0 && (!int.TryParse(rawK, NumberStyles.None, CultureInfo.InvariantCulture, out k) || k is < 1 or > MaxK))
        {
            v.Add("k", $"must be an integer from 1 to {MaxK}.");
        }
        v.ThrowIfInvalid();
        var index = await indexes.GetAsync(user.TenantId, kbId, ct) ?? throw new NotFoundException("Knowledge base");
        var hits = await indexes.SearchAsync([index], q, k, ct);
        return TypedResults.Ok(new KnowledgeSearchResults(hits.Select(h =>
            new KnowledgeSearchResult(h.Chunk.Id, h.Chunk.DocumentId, h.Chunk.Source, h.Chunk.Heading, h.Chunk.Position, h.Chunk.Text, Math.Round(h.Score, 6))).ToArray()));
    }
}

public static class KnowledgeSearchFeature
{
    public static IServiceCollection AddKnowledgeSearchFeature(this IServiceCollection services) => services.AddKnowledgeIndex();
}
