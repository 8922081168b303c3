using MongoDB.Driver;
using VoiceAgents.Core.Data;
using VoiceAgents.Core.Domain;
using VoiceAgents.Core.Errors;

namespace VoiceAgents.Functions.Agents;

/// <summary>An agent's <c>knowledge_bases</c>: well-formed ids, a known mode, each at most once, and (against the database) the tenant's own.</summary>
public static class AgentKnowledgeBasesValidator
{
    public const int MaxPerAgent = 10;

    /// <summary>Checks the shape of the list; <see cref="EnsureOwnedAsync"/> checks that each exists in the tenant.</summary>
    public static void Validate(Validation v, IReadOnlyList<AgentKnowledgeBaseDto?>? list)
    {
        if (list is null) return;
        if (list.Count > MaxPerAgent) v.Add("knowledge_bases", $"must have at most {MaxPerAgent} knowledge bases.");
        var seen = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        for (var i = 0; i < list.Count; i++)
        {
            var field = $"knowledge_bases[{i}]";
            if (list[i] is not { } kb)
            {
                v.Add(field, "is required.");
                continue;
            }
            if (!Ids.IsValid(kb.Id)) v.Add($"{field}.id", "must be a 24-character hexadecimal id.");
            else if (!seen.Add(kb.Id!)) v.Add($"{field}.id", "names a knowledge base already listed.");
            v.OneOf($"{field}.mode", kb.Mode, KnowledgeModes.All);
        }
    }

    public static List<AgentKnowledgeBase> Map(IReadOnlyList<AgentKnowledgeBaseDto?>? list) =>
        (list ?? []).Select(k => new AgentKnowledgeBase { Id = k!.Id!.ToLowerInvariant(), Mode = k.Mode ?? KnowledgeModes.Context }).ToList();

    /// <summary>Refuses, by index, a knowledge base that is not the tenant's (another organization's looks the same as none).</summary>
    public static async Task EnsureOwnedAsync(MongoContext db, string tenantId, IReadOnlyList<AgentKnowledgeBase> list, CancellationToken ct)
    {
        if (list.Count == 0) return;
        var ids = list.Select(k => k.Id).ToList();
        var owned = (await db.KnowledgeBases.Find(k => k.TenantId == tenantId && ids.Contains(k.Id)).ToListAsync(ct))
            .Select(k => k.Id).ToHashSet(StringComparer.Ordinal);
        var v = new Validation();
        for (var i = 0; i < list.Count; i++)
        {
            if (!owned.Contains(list[i].Id)) v.Add($"knowledge_bases[{i}].id", "does not name a knowledge base of this organization.");
        }
        v.ThrowIfInvalid();
    }
}
