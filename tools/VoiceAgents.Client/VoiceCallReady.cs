namespace VoiceAgents.Client;

/// <summary>voice-host's <c>ready</c> event: the call is authenticated and live.</summary>
/// <param name="CallId">The id of the call log post-call processing writes.</param>
/// <param name="OutputSampleRate">The rate of the reply audio voice-host sends.</param>
public sealed record VoiceCallReady(string CallId, int OutputSampleRate);
