
namespace VoiceAgents.VoiceHost.Pipeline.Frames;

/// <summary>A non-fatal or fatal error to report to the client.</summary>
public sealed record ErrorFrame(string Message, bool Fatal = false) : SystemFrame;

// ---- data frames ----
