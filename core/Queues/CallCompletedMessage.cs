using System.Text.Json.Serialization;
using System.Text.Json;
using VoiceAgents.Core.Domain;
using VoiceAgents.Core.Json;

namespace VoiceAgents.Core.Queues;

/// <summary>
/// The <c>call-completed</c> message: voice-host's hand-off of a finished call, after its recording is in S3. Its
/// JSON is snake_case (<see cref="JsonDefaults"/>) and base64-encoded on the queue. The call_id is the id the call
/// log gets, so every consumer is idempotent per call_id.
/// </summary>
/// <param name="RecordingKey">The stereo WAV's S3 key, <c>recordings/{tenant_id}/{campaign_id or adhoc}/{call_id}.wav</c>.</param>
/// <param name="Transcript">The transcript turns, unless they would not fit in a queue message.</param>
/// <param name="TranscriptKey">Where the transcript is in S3 (a <see cref="TranscriptFile"/>) when it did not fit.</param>
/// <param name="TurnMetricsKey">Where the turn metrics are in S3 (a JSON array) when even they did not fit.</param>
/// <param name="TraceParent">The W3C traceparent of the span that sent it, so StoreCall continues the call's trace.</param>
/// <param name="Usage">What the call used (<see cref="CallUsage"/>); absent from voice-hosts older than it.</param>
/// <param name="Attempt">Which attempt at the campaign's number this call was (the dialer retries busy and unanswered numbers).</param>
public sealed record CallCompletedMessage(
    string CallId,
    string SessionId,
    string TenantId,
    string AgentId,
    string? CampaignId,
    string? PhoneNumber,
    DateTime StartedAt,
    DateTime EndedAt,
    double DurationSeconds,
    CallStatus Status,
    string EndReason,
    string? RecordingKey,
    IReadOnlyList<TurnMetrics>? Turns,
    IReadOnlyList<TranscriptTurn>? Transcript,
    string? TranscriptKey = null,
    string? TurnMetricsKey = null,
    string? TraceParent = null,
    int Attempt = 1,
    // The caller's own names: the API's snake_case key policy must not rename them.
    [property: JsonConverter(typeof(VerbatimKeysConverter))] IReadOnlyDictionary<string, string?>? Variables = null,
    string? TransferredTo = null,
    CallUsage? Usage = null)
{
    public byte[] ToUtf8Json() => JsonSerializer.SerializeToUtf8Bytes(this, JsonDefaults.Options);

    /// <summary>Whether the message fits on an Azure Storage queue once base64-encoded.</summary>
    public static bool Fits(byte[] utf8Json) => QueueNames.EncodedSize(utf8Json.Length) <= QueueNames.MaxMessageBytes;
}

/// <summary>A call's transcript as stored in S3 at <c>transcripts/{campaign_id or adhoc}/{call_id}.json</c>.</summary>
public sealed record TranscriptFile(string CallId, string TenantId, string AgentId, string? CampaignId, IReadOnlyList<TranscriptTurn> Turns);
