namespace VoiceAgents.VoiceHost.Pipeline.Frames;

/// <summary>A data or control frame that survives an interruption (the end of a call, a function result).</summary>
public interface IUninterruptible;
