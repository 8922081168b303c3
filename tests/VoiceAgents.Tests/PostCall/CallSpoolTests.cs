using Serilog.Events;
using VoiceAgents.Tests.Infrastructure;
using VoiceAgents.VoiceHost.Calls;
using static VoiceAgents.Tests.Infrastructure.PostCallSteps;

namespace VoiceAgents.Tests.PostCall;

/// <summary>
/// voice-host and the API on an S3 (fauxqs) and a queue service (Azurite) of their own, which the tests stop and
/// start, with the shared MongoDB.
/// </summary>
public sealed class CallSpoolFixture : IAsyncLifetime
{
    public StandIn S3 { get; } = StandIn.Fauxqs();
    public StandIn Queues { get; } = StandIn.AzuriteQueue();
    public ApiFixture Api { get; } = new();
    public VoiceHostInstance Voice { get; set; } = default!;
    public string SpoolFolder { get; } = Path.Combine(Path.GetTempPath(), "voiceagents-test-spool", Guid.NewGuid().ToString("N"));
    private string S3Url => $"http://127.0.0.1:{S3.Port}";

    public async Task InitializeAsync()
    {
        await Task.WhenAll(S3.StartAsync(), Queues.StartAsync());
        Api.Settings["S3:ServiceUrl"] = S3Url;
        Api.Settings["AzureWebJobsStorage"] = Queues.QueueConnectionString;
        await Api.InitializeAsync();
        Voice = await StartVoiceAsync();
    }

    public Task<VoiceHostInstance> StartVoiceAsync()
    {
        var settings = PostCallFixture.VoiceSettings(Api, SpoolFolder, S3Url);
        settings["AzureWebJobsStorage"] = Queues.QueueConnectionString;
        return VoiceHostInstance.StartAsync(settings, typeof(CallSpoolWorker).FullName!);
    }

    public async Task DisposeAsync()
    {
        await Voice.DisposeAsync();
        await Api.DisposeAsync();
        await Task.WhenAll(S3.StopAsync(), Queues.StopAsync());
    }
}

/// <summary>
/// S3 or the queue down when a call ends: voice-host keeps the call in its spool, retries, and delivers it once both
/// are back, also after a restart.
/// </summary>
public sealed class CallSpoolTests(CallSpoolFixture fixture) : IClassFixture<CallSpoolFixture>
{
    private static readonly TimeSpan Delivered = TimeSpan.FromSeconds(60);

    /// <summary>Waits until voice-host has logged <paramref name="attempts"/> failed attempts to deliver the call.</summary>
    private Task FailedDeliveriesAsync(string callId, int attempts) => Eventually.Assert(() =>
    {
        var failed = fixture.Voice.Logs!.Count(LogEventLevel.Warning, callId, "delivery attempt");
        Assert.True(failed >= attempts, $"{failed} failed delivery attempts logged, waiting for {attempts}; the spool's last records:\n{fixture.Voice.Logs.Recent()}");
    }, TimeSpan.FromSeconds(60));

    [Fact]
    public async Task Call_ending_while_S3_is_down_is_spooled_and_delivered_once_S3_is_back()
    {
        await fixture.Queues.StartAsync();
        await fixture.S3.StopAsync();
        var tenant = await fixture.Api.SignupAsync("s3-down");
        var agentId = await CreateAgentAsync(tenant);

        var callId = await MakeSilentCallAsync(fixture.Voice, tenant, agentId);

        await Eventually.Assert(async () => Assert.Equal(1, await fixture.Voice.SpooledCallsAsync()), TimeSpan.FromSeconds(10));
        // Several failed attempts later (0.2 s doubling to 1 s) the call is still waiting, whole, and nowhere else yet.
        await FailedDeliveriesAsync(callId, attempts: 3);
        Assert.Equal(1, await fixture.Voice.SpooledCallsAsync());
        AssertSpooled(callId, recordingUploaded: false);
        Assert.Null(await FindCallLogAsync(tenant, callId));

        await fixture.S3.StartAsync();

        await AssertDeliveredAsync(tenant, callId);
    }

    [Fact]
    public async Task Call_ending_while_the_queue_is_down_keeps_its_uploaded_recording_and_is_delivered_once_the_queue_is_back()
    {
        await fixture.S3.StartAsync();
        await fixture.Queues.StopAsync();
        var tenant = await fixture.Api.SignupAsync("queue-down");
        var agentId = await CreateAgentAsync(tenant);

        var callId = await MakeSilentCallAsync(fixture.Voice, tenant, agentId);

        // The recording is in S3 (and marked so), the message is not on any queue: the call stays spooled.
        await Eventually.Assert(() => AssertSpooled(callId, recordingUploaded: true), TimeSpan.FromSeconds(20));
        // The attempt that uploaded it fails on the queue (each such attempt waits out the queue client's timeout).
        await FailedDeliveriesAsync(callId, attempts: 1);
        Assert.Equal(1, await fixture.Voice.SpooledCallsAsync());
        Assert.Null(await FindCallLogAsync(tenant, callId));

        await fixture.Queues.StartAsync();

        await AssertDeliveredAsync(tenant, callId);
    }

    [Fact]
    public async Task Spooled_call_is_delivered_by_the_next_voice_host_after_a_restart()
    {
        await fixture.Queues.StartAsync();
        await fixture.S3.StopAsync();
        var tenant = await fixture.Api.SignupAsync("s3-restart");
        var agentId = await CreateAgentAsync(tenant);
        var callId = await MakeSilentCallAsync(fixture.Voice, tenant, agentId);
        await Eventually.Assert(async () => Assert.Equal(1, await fixture.Voice.SpooledCallsAsync()), TimeSpan.FromSeconds(10));

        // voice-host stops with the call undelivered; S3 comes back while none runs.
        await fixture.Voice.DisposeAsync();
        AssertSpooled(callId, recordingUploaded: false);
        await fixture.S3.StartAsync();
        Assert.Null(await FindCallLogAsync(tenant, callId));

        fixture.Voice = await fixture.StartVoiceAsync();

        await AssertDeliveredAsync(tenant, callId);
    }

    [Fact]
    public async Task Call_sent_again_from_the_spool_after_its_delivery_is_stored_once()
    {
        await fixture.Queues.StartAsync();
        await fixture.S3.StopAsync();
        var tenant = await fixture.Api.SignupAsync("s3-resend");
        var agentId = await CreateAgentAsync(tenant);
        var callId = await MakeSilentCallAsync(fixture.Voice, tenant, agentId);
        await Eventually.Assert(async () => Assert.Equal(1, await fixture.Voice.SpooledCallsAsync()), TimeSpan.FromSeconds(10));
        await fixture.Voice.DisposeAsync();
        var spooled = Path.Combine(fixture.SpoolFolder, callId);
        var copy = Path.Combine(Path.GetTempPath(), "voiceagents-test-spool", $"{callId}-copy-{Guid.NewGuid():N}");
        CopyFolder(spooled, copy);
        await fixture.S3.StartAsync();
        fixture.Voice = await fixture.StartVoiceAsync();
        await AssertDeliveredAsync(tenant, callId);

        // As if voice-host had died after enqueueing but before removing the call: the next start sends it again.
        await fixture.Voice.DisposeAsync();
        Directory.Move(copy, spooled);
        fixture.Voice = await fixture.StartVoiceAsync();
        await Eventually.Assert(() => Assert.False(Directory.Exists(spooled)), Delivered);
        await DrainedAsync(fixture.Api.CallCompletedQueue, Delivered, fixture.Queues.QueueConnectionString);

        Assert.Single((await GetAsync(tenant, "call-logs"))["items"]!.AsArray());
        Assert.Equal(1, (await GetAsync(tenant, "analytics"))["totals"]!["calls"]!.GetValue<long>());
    }

    private static void CopyFolder(string from, string to)
    {
        Directory.CreateDirectory(to);
        foreach (var file in Directory.GetFiles(from)) File.Copy(file, Path.Combine(to, Path.GetFileName(file)));
    }

    private void AssertSpooled(string callId, bool recordingUploaded)
    {
        var folder = Path.Combine(fixture.SpoolFolder, callId);
        Assert.True(File.Exists(Path.Combine(folder, "message.json")), $"{callId} is not in the spool");
        Assert.True(new FileInfo(Path.Combine(folder, "recording.wav")).Length > 44, "the spooled recording is empty");
        Assert.Equal(recordingUploaded, File.Exists(Path.Combine(folder, "recording.uploaded")));
    }

    private async Task AssertDeliveredAsync(TenantSession tenant, string callId)
    {
        var log = await WaitForCallLogAsync(tenant, callId, Delivered);
        using var http = new HttpClient();
        var wav = await http.GetByteArrayAsync(log["recording_url"]!.GetValue<string>());
        Assert.Equal("RIFF", System.Text.Encoding.ASCII.GetString(wav, 0, 4));
        Assert.True(wav.Length > 44 + 16000 * 4 / 2, $"the recording has {wav.Length} bytes");
        Assert.Equal(1, (await GetAsync(tenant, "analytics"))["totals"]!["calls"]!.GetValue<long>());
        await Eventually.Assert(() => Assert.False(Directory.Exists(Path.Combine(fixture.SpoolFolder, callId))), TimeSpan.FromSeconds(10));
        Assert.Equal(0, await fixture.Voice.SpooledCallsAsync());
    }
}
