using System.Diagnostics;
using VoiceAgents.Tests.Infrastructure;
using static VoiceAgents.Tests.Infrastructure.PostCallSteps;

namespace VoiceAgents.Tests.Realtime;

/// <summary>call.started is best effort: a queue that cannot take it neither delays nor fails the call.</summary>
[Collection(RealtimeCollection.Name)]
public sealed class CallStartedTests(RealtimeFixture fixture)
{
    [Fact]
    public async Task Call_goes_on_when_call_started_cannot_be_queued()
    {
        var tenant = await fixture.Api.SignupAsync("live-queue-down");
        var agentId = await CreateAgentAsync(tenant);
        var settings = ApiFixture.StackSettings(fixture.Api.DatabaseName, fixture.Api.Bucket);
        // Nothing listens on port 1: every enqueue fails.
        settings["AzureWebJobsStorage"] = "DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;" +
            "AccountKey=Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==;QueueEndpoint=http://127.0.0.1:1/devstoreaccount1;";
        settings["Voice:CallSink"] = "local";
        settings["Voice:CallsFolder"] = Path.Combine(Path.GetTempPath(), "voiceagents-test-calls", Guid.NewGuid().ToString("N"));
        settings["Voice:AuthTimeout"] = "00:00:05";
        await using var voice = await VoiceHostInstance.StartAsync(settings);

        var clock = Stopwatch.StartNew();
        var (caller, callId) = await StartCallAsync(voice, tenant, agentId);
        var ready = clock.Elapsed;
        await using (caller)
        {
            await caller.StreamSilenceAsync(TimeSpan.FromMilliseconds(600), 16000);
            await EndCallAsync(caller);
        }

        Assert.True(ready < TimeSpan.FromSeconds(3), $"ready took {ready.TotalSeconds:F1} s");
        var end = caller.Events.Select(e => e.Event).Last(e => e["type"]?.GetValue<string>() == "end");
        Assert.Equal("caller_ended", end["reason"]!.GetValue<string>());
        Assert.False(string.IsNullOrEmpty(callId));
    }
}
