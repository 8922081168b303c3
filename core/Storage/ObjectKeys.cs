using VoiceAgents.Core.Data;

namespace VoiceAgents.Core.Storage;

/// <summary>Where a call's objects live in the bucket: grouped by campaign, or under <c>adhoc</c> for calls outside one.</summary>
public static class ObjectKeys
{
    public static string Recording(string? campaignId, string callId) => $"recordings/{Folder(campaignId)}/{callId}.wav";

    public static string Transcript(string? campaignId, string callId) => $"transcripts/{Folder(campaignId)}/{callId}.json";

    public static string TurnMetrics(string? campaignId, string callId) => $"turn-metrics/{Folder(campaignId)}/{callId}.json";

    // Only an id becomes a path segment: a campaign_id comes from the caller and must not steer the key.
    private static string Folder(string? campaignId) => Ids.IsValid(campaignId) ? campaignId!.ToLowerInvariant() : "adhoc";
}
