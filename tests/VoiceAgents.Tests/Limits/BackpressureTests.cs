using VoiceAgents.Tests.Infrastructure;
using VoiceAgents.Tests.Providers;
using VoiceAgents.VoiceHost.Processors;

namespace VoiceAgents.Tests.Limits;

/// <summary>A slow stage pushes back through the pipeline's bounded queues to the transport, which stops reading the caller.</summary>
[Collection(LimitsCollection.Name)]
public sealed class BackpressureTests(LimitsFixture f)
{
    [Fact]
    public async Task Held_up_speech_to_text_fills_each_queue_to_its_bound_and_voice_host_stops_reading_the_caller()
    {
        await f.NoCallsLiveAsync();
        var tenant = await f.Api.SignupAsync("backpressure");
        var agentId = await LimitsFixture.AgentAsync(tenant, stt: new { provider = "deepgram", language = "en-US" });
        // Deepgram is slow to connect: the STT stage waits on its connection and takes no audio meanwhile.
        var hold = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        f.Deepgram.HandshakeHold = hold.Task;
        try
        {
            await using var caller = await VoiceClient.ConnectAsync(f.Voice.WebSocketUri);
            await caller.AuthenticateAsync(tenant.AccessToken, agentId);
            var call = Assert.Single(f.Calls.Live);
            const int Sent = 200;
            var frame = Loopback.LittleEndian(Loopback.Tone(320));
            for (var i = 0; i < Sent; i++) await caller.SendBinaryAsync(frame);

            // Every stage up to the speech-to-text holds exactly its bound, and the transport holds the next message.
            // The stages audio passes through: up to the speech-to-text, which turns it into text.
            var stages = call.Processors.ToList();
            var input = stages.Take(stages.FindIndex(p => p is SttProcessor) + 1).ToList();
            Assert.Equal(["ResamplerProcessor", "VadProcessor", "TurnProcessor", "CallLimitProcessor", "SttProcessor"], input.Select(p => p.Name));
            await Eventually.Assert(() => Assert.All(input, p => Assert.Equal(LimitsFixture.AudioQueue, p.QueuedAudio)), TimeSpan.FromSeconds(20));
            Assert.Equal(input.Count * LimitsFixture.AudioQueue, call.AudioIn);
            Assert.True(call.AudioIn < Sent);

            // Deepgram answers: the stages drain and the transport reads the rest.
            hold.SetResult();
            await Eventually.Assert(() => Assert.Equal(Sent, call.AudioIn), TimeSpan.FromSeconds(20));
            await Eventually.Assert(() => Assert.All(input, p => Assert.Equal(0, p.QueuedAudio)), TimeSpan.FromSeconds(20));
            await PostCallSteps.EndCallAsync(caller);
        }
        finally
        {
            hold.TrySetResult();
            f.Deepgram.HandshakeHold = null;
        }
    }
}
