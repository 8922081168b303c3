namespace VoiceAgents.VoiceHost.Pipeline;

/// <summary>How many caller audio frames and data frames may wait on each processor of a pipeline.</summary>
public sealed record PipelineBounds(int Audio, int Data);
