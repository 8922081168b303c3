namespace VoiceAgents.VoiceHost.Transport;

/// <summary>A transport that learns what the far end has actually played (Twilio's <c>mark</c> messages).</summary>
public interface IPlaybackReport
{
    /// <summary>Reply samples played so far, counted like <c>OutputProcessor.SamplesSent</c>; null until known.</summary>
    long? PlayedSamples { get; }
}
