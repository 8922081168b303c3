using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using VoiceAgents.Core.Domain;
using VoiceAgents.VoiceHost.Audio;
using VoiceAgents.VoiceHost.Calls;
using VoiceAgents.VoiceHost.Configuration;
using VoiceAgents.VoiceHost.Pipeline;
using VoiceAgents.VoiceHost.Processors;
using VoiceAgents.VoiceHost.Transport;
using VoiceAgents.VoiceHost;

namespace VoiceAgents.Tests.Voice;

/// <summary>What pipeline tests share: a call on a fake clock whose client events are recorded, and moving that clock.</summary>
internal static class PipelineHarness
{
    public static FakeTimeProvider Clock() => new(DateTimeOffset.Parse("2026-01-01T00:00:00Z"));

    public static CallContext Call(FakeTimeProvider time, CallRecorder recorder, Agent? agent = null) =>
        new("c", "t", agent ?? new Agent { Id = "a", TenantId = "t", UserId = "u", Name = "Test", SystemPrompt = "" }, time, new VoiceOptions(), recorder, NullLogger.Instance);

    /// <summary>Moves the fake clock in steps, letting the pipeline's tasks run between steps.</summary>
    public static async Task AdvanceAsync(FakeTimeProvider time, TimeSpan by, int stepMs = 5)
    {
        var step = TimeSpan.FromMilliseconds(stepMs);
        for (var t = TimeSpan.Zero; t < by; t += step)
        {
            await Task.Delay(2);
            time.Advance(step);
        }
        await Task.Delay(20);
    }
}

/// <summary>The client's side of a pipeline test: every event and every chunk of audio, with the fake time it was sent.</summary>
internal sealed class RecordingEvents(TimeProvider time) : IClientEvents
{
    public List<(DateTimeOffset At, ClientEvent Event)> Events { get; } = [];
    public List<(DateTimeOffset At, int Samples)> Audio { get; } = [];

    public void Send(ClientEvent e)
    {
        lock (Events) Events.Add((time.GetUtcNow(), e));
    }

    public ValueTask SendAudioAsync(ReadOnlyMemory<short> samples, CancellationToken ct)
    {
        lock (Audio) Audio.Add((time.GetUtcNow(), samples.Length));
        return ValueTask.CompletedTask;
    }
}
