using VoiceAgents.VoiceHost.Pipeline;
using VoiceAgents.VoiceHost.Transport;

namespace VoiceAgents.Tests.Infrastructure;

/// <summary>A call's client that hears nothing: for pipeline tests that look only at the frames.</summary>
public sealed class NoClientEvents : IClientEvents
{
    public void Send(ClientEvent e)
    {
    }

    public ValueTask SendAudioAsync(ReadOnlyMemory<short> samples, CancellationToken ct) => ValueTask.CompletedTask;
}
