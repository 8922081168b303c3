using System.Diagnostics.Metrics;
using System.Net.WebSockets;
using System.Net;
using System.Text.Json.Nodes;
using VoiceAgents.Tests.Infrastructure;
using VoiceAgents.VoiceHost.Metrics;

namespace VoiceAgents.Tests.Drain;

/// <summary>
/// voice-host stopping as on SIGTERM: it refuses new calls at once, lets live calls finish within Voice:DrainTimeout,
/// and ends the rest with reason <c>shutdown</c>, each still handed to the call sink.
/// </summary>
public sealed class DrainTests(ApiFixture api) : IClassFixture<ApiFixture>
{
    [Fact]
    public async Task Stopping_voice_host_refuses_new_calls_and_waits_for_a_live_call_to_finish()
    {
        var calls = CallsFolder();
        await using var host = await StartAsync(calls, drain: TimeSpan.FromSeconds(60));
        var (caller, callId) = await CallAsync(host);
        await using var _ = caller;

        var stopping = host.StopAsync();
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(10) };
        await Eventually.Assert(async () =>
        {
            using var health = await http.GetAsync(host.HealthUri);
            Assert.Equal(HttpStatusCode.ServiceUnavailable, health.StatusCode);
            Assert.Equal("draining", JsonNode.Parse(await health.Content.ReadAsStringAsync())!["status"]!.GetValue<string>());
        }, TimeSpan.FromSeconds(10));
        using (var live = await http.GetAsync(host.LiveUri))
        {
            Assert.Equal(HttpStatusCode.OK, live.StatusCode);
        }

        // A new caller is turned away with 503 while the live call goes on.
        using var refused = new ClientWebSocket();
        refused.Options.CollectHttpResponseDetails = true;
        await Assert.ThrowsAsync<WebSocketException>(() => refused.ConnectAsync(host.WebSocketUri, CancellationToken.None));
        Assert.Equal(HttpStatusCode.ServiceUnavailable, refused.HttpStatusCode);
        // Draining has begun (health says so, new callers are refused), and the live call is still served: it ends
        // below by the caller's own "end", which a host that had stopped could not answer with caller_ended.
        Assert.False(stopping.IsCompleted, "the host stopped while a call was live");
        Assert.Equal(WebSocketState.Open, caller.State);

        await caller.SendJsonAsync(new { type = "end" });
        var end = await caller.WaitForAsync("end", TimeSpan.FromSeconds(10));
        Assert.Equal("caller_ended", end["reason"]!.GetValue<string>());
        // Once the call is handed off the host stops, long before the drain limit.
        await stopping.WaitAsync(TimeSpan.FromSeconds(20));
        var record = await RecordAsync(calls, callId);
        Assert.Equal("caller_ended", record["end_reason"]!.GetValue<string>());
    }

    [Fact]
    public async Task Calls_still_live_at_the_drain_limit_end_with_reason_shutdown_and_are_handed_off()
    {
        var calls = CallsFolder();
        await using var host = await StartAsync(calls, drain: TimeSpan.FromSeconds(1));
        var (first, firstId) = await CallAsync(host);
        var (second, secondId) = await CallAsync(host);
        await using var _ = first;
        await using var __ = second;

        var endedForShutdown = 0;
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument is { Name: "voice.calls.ended", Meter.Name: VoiceAgents.VoiceHost.Metrics.VoiceMetrics.MeterName }) l.EnableMeasurementEvents(instrument);
        };
        listener.SetMeasurementEventCallback<long>((_, value, tags, _) =>
        {
            foreach (var tag in tags)
            {
                if (tag is { Key: "end_reason", Value: "shutdown" }) Interlocked.Add(ref endedForShutdown, (int)value);
            }
        });
        listener.Start();

        var started = DateTime.UtcNow;
        await host.StopAsync().WaitAsync(TimeSpan.FromSeconds(30));
        Assert.True(DateTime.UtcNow - started >= TimeSpan.FromSeconds(0.9), "the host did not wait for the drain limit");

        foreach (var (caller, callId) in new[] { (first, firstId), (second, secondId) })
        {
            var end = await caller.WaitForAsync("end", TimeSpan.FromSeconds(5));
            Assert.Equal("shutdown", end["reason"]!.GetValue<string>());
            await caller.Closed.Task.WaitAsync(TimeSpan.FromSeconds(5));
            Assert.Equal(WebSocketCloseStatus.NormalClosure, caller.CloseStatus);
            // The call's record reached the sink before the process would exit.
            var record = await RecordAsync(calls, callId, wait: false);
            Assert.Equal("shutdown", record["end_reason"]!.GetValue<string>());
        }
        // Both are counted as calls ended by the shutdown (voice-host's calls-ended metric, by end reason).
        Assert.True(Volatile.Read(ref endedForShutdown) >= 2, $"{endedForShutdown} calls counted as ended by shutdown");
    }

    private static string CallsFolder() => Path.Combine(Path.GetTempPath(), "voiceagents-test-drain", Guid.NewGuid().ToString("N"));

    private Task<VoiceHostInstance> StartAsync(string calls, TimeSpan drain)
    {
        var settings = ApiFixture.StackSettings(api.DatabaseName, api.Bucket);
        settings["Voice:CallSink"] = "local";
        settings["Voice:CallsFolder"] = calls;
        settings["Voice:DrainTimeout"] = drain.ToString("c");
        return VoiceHostInstance.StartAsync(settings);
    }

    private async Task<(VoiceClient Caller, string CallId)> CallAsync(VoiceHostInstance host)
    {
        var tenant = await api.SignupAsync("drain");
        var agent = await tenant.CreateAgentAsync();
        var caller = await VoiceClient.ConnectAsync(host.WebSocketUri);
        var ready = await caller.AuthenticateAsync(tenant.AccessToken, agent["id"]!.GetValue<string>());
        return (caller, ready["call_id"]!.GetValue<string>());
    }

    private static async Task<JsonNode> RecordAsync(string folder, string callId, bool wait = true)
    {
        var path = Path.Combine(folder, callId + ".json");
        if (wait) await Eventually.Assert(() => Assert.True(File.Exists(path), $"no record {path}"), TimeSpan.FromSeconds(10));
        return JsonNode.Parse(await File.ReadAllTextAsync(path))!;
    }
}
