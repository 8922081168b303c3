namespace VoiceAgents.VoiceHost.Pipeline.Frames;

/// <summary>An error the caller is told of (the output transport sends it as <c>error</c>); whether the call goes on is up to the frames that follow.</summary>
public sealed record ErrorFrame(string Message, bool Fatal = false) : SystemFrame;
