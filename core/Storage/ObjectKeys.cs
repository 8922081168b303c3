using VoiceAgents.Core.Data;

namespace VoiceAgents.Core.Storage;

/// <summary>
/// Where a call's objects live in the bucket: under its tenant first, so one bucket policy on the prefix
/// <c>recordings/{tenant_id}/</c> (and <c>transcripts/</c>, <c>turn-metrics/</c>) scopes a tenant, then by campaign,
/// or <c>adhoc</c> for calls outside one. Keys from before the tenant came first (<c>recordings/{campaign}/…</c>) stay
/// valid: a call log stores its keys, and nothing rebuilds an old call's key from its ids.
/// </summary>
public static class ObjectKeys
{
    public static string Recording(string tenantId, string? campaignId, string callId) => $"recordings/{Prefix(tenantId, campaignId)}/{callId}.wav";

    public static string Transcript(string tenantId, string? campaignId, string callId) => $"transcripts/{Prefix(tenantId, campaignId)}/{callId}.json";

    public static string TurnMetrics(string tenantId, string? campaignId, string callId) => $"turn-metrics/{Prefix(tenantId, campaignId)}/{callId}.json";

    /// <summary>A knowledge base document's original: <c>knowledge/{tenant}/{knowledge base}/{document}</c>, all three ids.</summary>
    public static string KnowledgeDocument(string tenantId, string knowledgeBaseId, string documentId)
    {
        if (!Ids.IsValid(tenantId) || !Ids.IsValid(knowledgeBaseId) || !Ids.IsValid(documentId)) throw new ArgumentException("A knowledge document's key is built from ids only.");
        return $"knowledge/{tenantId.ToLowerInvariant()}/{knowledgeBaseId.ToLowerInvariant()}/{documentId.ToLowerInvariant()}";
    }

    private static string Prefix(string tenantId, string? campaignId)
    {
        // The tenant comes from a verified token; a malformed one here is a bug, not a caller's choice.
        if (!Ids.IsValid(tenantId)) throw new ArgumentException($"'{tenantId}' is not a tenant id.", nameof(tenantId));
        return $"{tenantId.ToLowerInvariant()}/{Folder(campaignId)}";
    }

    // Only an id becomes a path segment: a campaign_id comes from the caller and must not steer the key.
    private static string Folder(string? campaignId) => Ids.IsValid(campaignId) ? campaignId!.ToLowerInvariant() : "adhoc";
}
