using VoiceAgents.Core.Domain;

namespace VoiceAgents.Functions.Usage;

/// <summary>The answer of <c>GET /api/usage</c>: the range's totals and its days that had calls, oldest first.</summary>
public sealed record UsageResponse(DateTime From, DateTime To, UsageFigures Totals, IReadOnlyList<UsageDay> Days);
