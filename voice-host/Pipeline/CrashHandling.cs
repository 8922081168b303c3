using VoiceAgents.VoiceHost.Pipeline.Frames;

namespace VoiceAgents.VoiceHost.Pipeline;

/// <summary>How a <see cref="PipelineTask"/> ends after one of its stages throws.</summary>
/// <param name="Message">The fatal error the caller is told.</param>
/// <param name="Reason">The reason the task ends with.</param>
/// <param name="Voice">The stage that speaks. When it comes after the stage that failed, the stage right after the failed one is given <paramref name="Reply"/>, which ends with an <see cref="EndFrame"/>.</param>
/// <param name="Reply">What is said before the end: an apology.</param>
/// <param name="ReplyLimit">How long the reply may take before the task ends anyway.</param>
public sealed record CrashHandling(string Message, string Reason, FrameProcessor? Voice, IReadOnlyList<Frame> Reply, TimeSpan ReplyLimit);
