namespace VoiceAgents.VoiceHost.Pipeline.Frames;

/// <summary>
/// Everything that flows through a pipeline is a frame. As in Pipecat: system frames jump the queue and are never
/// flushed; data and control frames keep their order and are flushed by an interruption, unless they are
/// <see cref="IUninterruptible"/>.
/// </summary>
public abstract record Frame;
