using System.Net.WebSockets;
using VoiceAgents.Tests.Infrastructure;
using static VoiceAgents.Tests.Infrastructure.PostCallSteps;

namespace VoiceAgents.Tests.PostCall;

/// <summary>Caller audio is bounded by real time: a flood closes the call, which is still stored, and its recording is no longer than the call.</summary>
[Collection(PostCallCollection.Name)]
public sealed class AudioFloodTests(PostCallFixture fixture)
{
    [Fact]
    public async Task Audio_faster_than_real_time_closes_the_call_with_4429_and_it_is_stored_with_a_recording_no_longer_than_the_call()
    {
        var tenant = await fixture.Api.SignupAsync("flood");
        var agentId = await CreateAgentAsync(tenant);
        var (caller, callId) = await StartCallAsync(fixture.Voice, tenant, agentId);
        await using (caller)
        {
            // 60 s of audio in 20 ms frames, as fast as the socket takes them.
            var frame = new byte[640];
            for (var i = 0; i < 3000 && caller.State == WebSocketState.Open; i++)
            {
                try
                {
                    await caller.SendBinaryAsync(frame);
                }
                catch (WebSocketException)
                {
                    break;
                }
            }
            await caller.Closed.Task.WaitAsync(TimeSpan.FromSeconds(10));
            Assert.Equal(4429, (int)caller.CloseStatus!);
            Assert.Contains("faster than real time", caller.CloseReason, StringComparison.Ordinal);
            Assert.Contains(caller.Events, e => VoiceClient.Type(e.Event) == "error" && e.Event["fatal"]!.GetValue<bool>());
            Assert.Equal("audio_too_fast", (await caller.WaitForAsync("end", TimeSpan.FromSeconds(1)))["reason"]!.GetValue<string>());
        }

        var log = await WaitForCallLogAsync(tenant, callId, TimeSpan.FromSeconds(60));
        Assert.Equal(("failed", "audio_too_fast"), (log["status"]!.GetValue<string>(), log["end_reason"]!.GetValue<string>()));
        var duration = log["duration_seconds"]!.GetValue<double>();
        using var http = new HttpClient();
        var wav = await http.GetByteArrayAsync(log["recording_url"]!.GetValue<string>());
        var seconds = (wav.Length - 44) / (16000.0 * 4);
        Assert.True(seconds <= duration + 0.001, $"the recording lasts {seconds:F3} s, the call {duration:F3} s");
    }
}
