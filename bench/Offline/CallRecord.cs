using VoiceAgents.Core.Domain;

namespace VoiceAgents.Bench.Offline;

/// <summary>The part of a finished call's JSON (voice-host's <c>CallCompleted</c>) the benches read back.</summary>
public sealed record CallRecord(string CallId, string EndReason, IReadOnlyList<TranscriptTurn> Transcript);
