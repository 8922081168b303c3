using VoiceAgents.Tests.Infrastructure;
using static VoiceAgents.Tests.Infrastructure.PostCallSteps;

namespace VoiceAgents.Tests.PostCall;

/// <summary>
/// voice-host and the API on an S3 of their own (a fauxqs this fixture starts and stops), with the shared queue
/// service and MongoDB. Each test starts with that S3 down.
/// </summary>
public sealed class S3OutageFixture : IAsyncLifetime
{
    public StandIn S3 { get; } = StandIn.Fauxqs();
    public ApiFixture Api { get; } = new();
    public VoiceHostInstance Voice { get; set; } = default!;
    public string SpoolFolder { get; } = Path.Combine(Path.GetTempPath(), "voiceagents-test-spool", Guid.NewGuid().ToString("N"));
    public string S3Url => $"http://127.0.0.1:{S3.Port}";

    public async Task InitializeAsync()
    {
        Api.Settings["S3:ServiceUrl"] = S3Url;
        await Api.InitializeAsync();
        Voice = await StartVoiceAsync();
    }

    public Task<VoiceHostInstance> StartVoiceAsync() => VoiceHostInstance.StartAsync(PostCallFixture.VoiceSettings(Api, SpoolFolder, S3Url));

    public async Task DisposeAsync()
    {
        await Voice.DisposeAsync();
        await Api.DisposeAsync();
        await S3.StopAsync();
    }
}

/// <summary>S3 down when a call ends: voice-host keeps the call in its spool and delivers it once S3 is back.</summary>
public sealed class S3OutageTests(S3OutageFixture fixture) : IClassFixture<S3OutageFixture>
{
    private static readonly TimeSpan Delivered = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task Call_ending_while_S3_is_down_is_spooled_and_delivered_once_S3_is_back()
    {
        await fixture.S3.StopAsync();
        var tenant = await fixture.Api.SignupAsync("s3-down");
        var agentId = await CreateAgentAsync(tenant);

        var callId = await MakeSilentCallAsync(fixture.Voice, tenant, agentId);

        await Eventually.Assert(async () => Assert.Equal(1, await fixture.Voice.SpooledCallsAsync()), TimeSpan.FromSeconds(10));
        // Several retries later (0.2 s doubling to 1 s) the call is still waiting, whole, and nowhere else yet.
        await Task.Delay(TimeSpan.FromSeconds(3));
        Assert.Equal(1, await fixture.Voice.SpooledCallsAsync());
        AssertSpooled(callId);
        Assert.Null(await FindCallLogAsync(tenant, callId));

        await fixture.S3.StartAsync();

        await AssertDeliveredAsync(tenant, callId);
        Assert.Equal(0, await fixture.Voice.SpooledCallsAsync());
    }

    [Fact]
    public async Task Spooled_call_is_delivered_by_the_next_voice_host_after_a_restart()
    {
        await fixture.S3.StopAsync();
        var tenant = await fixture.Api.SignupAsync("s3-restart");
        var agentId = await CreateAgentAsync(tenant);
        var callId = await MakeSilentCallAsync(fixture.Voice, tenant, agentId);
        await Eventually.Assert(async () => Assert.Equal(1, await fixture.Voice.SpooledCallsAsync()), TimeSpan.FromSeconds(10));

        // voice-host stops with the call undelivered; S3 comes back while none runs.
        await fixture.Voice.DisposeAsync();
        AssertSpooled(callId);
        await fixture.S3.StartAsync();
        Assert.Null(await FindCallLogAsync(tenant, callId));

        fixture.Voice = await fixture.StartVoiceAsync();

        await AssertDeliveredAsync(tenant, callId);
        Assert.Equal(0, await fixture.Voice.SpooledCallsAsync());
    }

    private void AssertSpooled(string callId)
    {
        var folder = Path.Combine(fixture.SpoolFolder, callId);
        Assert.True(File.Exists(Path.Combine(folder, "message.json")), $"{callId} is not in the spool");
        Assert.True(new FileInfo(Path.Combine(folder, "recording.wav")).Length > 44, "the spooled recording is empty");
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
    }
}
