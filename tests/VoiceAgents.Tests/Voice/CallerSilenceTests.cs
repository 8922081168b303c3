using VoiceAgents.Functions.Agents;
using VoiceAgents.Tests.Infrastructure;

namespace VoiceAgents.Tests.Voice;

/// <summary>
/// Caller silence and the agent's maximum duration on a browser call (<c>/ws</c>), on short settings: silence is
/// counted from the caller's speech, so a caller who streams silence and one who sends nothing at all are both
/// reprompted and then hung up on, and a call that runs its length hears the closing line first.
/// </summary>
[Collection(VoiceCollection.Name)]
public sealed class CallerSilenceTests(VoiceFixture voice)
{
    private const string Reprompt = "Are you still there?";

    /// <summary>The shortest maximum duration the API takes.</summary>
    private const int MaxDurationS = AgentSettingsValidator.MinDurationS;

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task A_silent_browser_caller_is_reprompted_and_then_the_call_ends_for_silence(bool streamsSilence)
    {
        var (tenant, agentId) = await AgentAsync("silence", new { silence = new { reprompt_after_s = 1, reprompt_message = Reprompt, hangup_after_s = 3 } });
        await using var caller = await VoiceClient.ConnectAsync(voice.WebSocketUri);
        await caller.AuthenticateAsync(tenant.AccessToken, agentId);
        using var stop = new CancellationTokenSource();
        var line = streamsSilence ? StreamSilenceUntilClosedAsync(caller, stop.Token) : Task.CompletedTask;

        var reprompt = await caller.WaitForAsync("transcript", TimeSpan.FromSeconds(15), e => e["role"]!.GetValue<string>() == "assistant");
        Assert.Equal(Reprompt, reprompt["text"]!.GetValue<string>());
        var end = await caller.WaitForAsync("end", TimeSpan.FromSeconds(15));
        Assert.Equal("silence", end["reason"]!.GetValue<string>());
        await caller.Closed.Task.WaitAsync(TimeSpan.FromSeconds(10));
        await stop.CancelAsync();
        await line;

        // The bot spoke before it hung up, and the reprompt was said once.
        Assert.True(caller.ReplyAudio().Length > 8000, "the reprompt was not heard");
        Assert.Single(caller.Events, e => VoiceClient.Type(e.Event) == "transcript" && e.Event["role"]!.GetValue<string>() == "assistant");
    }

    [Fact]
    public async Task A_browser_call_that_reaches_the_agents_maximum_duration_hears_the_closing_line_and_ends_for_max_duration()
    {
        var (tenant, agentId) = await AgentAsync("max-duration", new { max_duration_s = MaxDurationS, max_duration_message = "We are out of time, goodbye." });
        await using var caller = await VoiceClient.ConnectAsync(voice.WebSocketUri);
        await caller.AuthenticateAsync(tenant.AccessToken, agentId);
        using var stop = new CancellationTokenSource();
        var line = StreamSilenceUntilClosedAsync(caller, stop.Token);

        var closing = await caller.WaitForAsync("transcript", TimeSpan.FromSeconds(MaxDurationS + 15), e => e["role"]!.GetValue<string>() == "assistant");
        Assert.Equal("We are out of time, goodbye.", closing["text"]!.GetValue<string>());
        await caller.WaitForAsync("bot_stopped_speaking", TimeSpan.FromSeconds(15));
        var end = await caller.WaitForAsync("end", TimeSpan.FromSeconds(15));
        Assert.Equal("max_duration", end["reason"]!.GetValue<string>());
        await caller.Closed.Task.WaitAsync(TimeSpan.FromSeconds(10));
        await stop.CancelAsync();
        await line;
    }

    /// <summary>An offline agent of a new tenant, with the settings under test, made through the API.</summary>
    private async Task<(TenantSession Tenant, string AgentId)> AgentAsync(string label, object settings)
    {
        var tenant = await voice.Api.SignupAsync(label);
        return (tenant, await tenant.AddAgentAsync(AgentSetup.Offline("Quiet line", settings)));
    }

    /// <summary>A microphone left open: silence in real time until the call is over.</summary>
    private static async Task StreamSilenceUntilClosedAsync(VoiceClient caller, CancellationToken stop)
    {
        try
        {
            while (!stop.IsCancellationRequested && !caller.Closed.Task.IsCompleted) await caller.StreamSilenceAsync(TimeSpan.FromMilliseconds(200), 16000, stop);
        }
        catch (Exception e) when (e is OperationCanceledException or System.Net.WebSockets.WebSocketException or InvalidOperationException)
        {
            // The server closed the socket mid-send: the call is over, which is what the test waits for.
        }
    }
}
