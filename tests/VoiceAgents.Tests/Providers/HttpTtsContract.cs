using Microsoft.AspNetCore.Http;
using VoiceAgents.Core.Domain;
using VoiceAgents.Tests.Providers.VendorServers;
using VoiceAgents.VoiceHost.Audio;
using VoiceAgents.VoiceHost.Providers;
using static VoiceAgents.Tests.Providers.VendorServers.ProviderTestKit;

namespace VoiceAgents.Tests.Providers;

/// <summary>
/// What every text-to-speech provider over one JSON request and reply must do, run against a loopback server that
/// speaks the vendor's format. Such vendors answer with the whole clip, which the provider streams in 20 ms chunks.
/// </summary>
public abstract class HttpTtsContract
{
    protected abstract ITtsProvider Create(LoopbackServer server, TimeSpan timeout);

    // Generous, as production defaults are (15-30 s): a first request on a loaded test host (JIT, the SDK's first use)
    // can take over 5 s; the tests of timeouts pass their own.
    protected ITtsProvider Create(LoopbackServer server) => Create(server, TimeSpan.FromSeconds(30));

    protected abstract TtsConfig Config { get; }

    protected abstract string Language { get; }

    /// <summary>The vendor's success reply carrying <paramref name="wav"/>.</summary>
    protected abstract string Reply(byte[] wav);

    /// <summary>The vendor's HTTP error reply, and the message in it a ProviderException must carry.</summary>
    protected abstract (int Status, string Body, string Message) Error { get; }

    protected static short[] Samples(IEnumerable<AudioChunk> chunks) => chunks.SelectMany(c => c.Samples.ToArray()).ToArray();

    protected Task AnswerAsync(HttpContext c, byte[] wav) => Wire.JsonAsync(c, 200, Reply(wav));

    protected Task<List<AudioChunk>> SpeakAsync(ITtsProvider tts, CancellationToken ct = default) =>
        CollectAsync(tts.SynthesizeAsync("We open at nine.", Config, Language, ct), ct);

    [Fact]
    public async Task Streams_the_clip_in_20_ms_chunks_in_order_at_the_rate_the_wav_header_gives()
    {
        var wav = Wire.RampWav(16000 / 2 + 100, 16000);
        await using var server = await LoopbackServer.StartAsync(c => AnswerAsync(c, wav));

        var chunks = await SpeakAsync(Create(server));

        Assert.All(chunks, c => Assert.Equal(16000, c.SampleRate));
        Assert.All(chunks.SkipLast(1), c => Assert.Equal(320, c.Length));
        Assert.Equal(Wav.Read(wav).Samples, Samples(chunks));
    }

    [Fact]
    public async Task An_http_error_becomes_a_ProviderException_with_the_vendor_message()
    {
        var (status, body, message) = Error;
        await using var server = await LoopbackServer.StartAsync(c => Wire.JsonAsync(c, status, body));

        var e = await Assert.ThrowsAsync<ProviderException>(() => SpeakAsync(Create(server)));

        Assert.Contains(status.ToString(), e.Message);
        Assert.Contains(message, e.Message);
    }

    [Fact]
    public async Task A_connection_dropped_mid_reply_becomes_a_ProviderException()
    {
        var wav = Wire.RampWav(8000, 16000);
        await using var server = await LoopbackServer.StartAsync(c => Wire.TruncatedJsonAsync(c, Reply(wav)));

        await ThrowsWithinAsync<ProviderException>(() => SpeakAsync(Create(server)), TimeSpan.FromSeconds(5));
    }

    [Fact]
    public async Task A_reply_that_is_not_json_becomes_a_ProviderException()
    {
        await using var server = await LoopbackServer.StartAsync(c => Wire.JsonAsync(c, 200, "<html>Bad gateway</html>"));

        await Assert.ThrowsAsync<ProviderException>(() => SpeakAsync(Create(server)));
    }

    [Fact]
    public async Task A_slow_reply_within_the_timeout_is_waited_for()
    {
        var wav = Wire.RampWav(800, 16000);
        await using var server = await LoopbackServer.StartAsync(async c =>
        {
            await Wire.DelayAsync(c, TimeSpan.FromMilliseconds(600));
            await AnswerAsync(c, wav);
        });

        var chunks = await SpeakAsync(Create(server, TimeSpan.FromSeconds(3)));

        Assert.Equal(800, Samples(chunks).Length);
    }

    [Fact]
    public async Task A_reply_slower_than_the_timeout_fails_with_a_ProviderException()
    {
        await using var server = await LoopbackServer.StartAsync(Wire.HangAsync);

        var (e, _) = await ThrowsWithinAsync<ProviderException>(() => SpeakAsync(Create(server, TimeSpan.FromMilliseconds(500))), TimeSpan.FromSeconds(5));

        Assert.Contains("no response within", e.Message);
    }

    [Fact]
    public async Task Cancelling_aborts_the_request_promptly()
    {
        await using var server = await LoopbackServer.StartAsync(Wire.HangAsync);
        var tts = Create(server, TimeSpan.FromSeconds(30));

        var elapsed = await CancelOnceArrivedAsync(ct => SpeakAsync(tts, ct), server.RequestArrived);

        Assert.True(elapsed < TimeSpan.FromSeconds(1), $"took {elapsed} to stop");

        // Under the 2 s a drained HTTP/1.1 response would keep the connection: the abort must reach the vendor.
        await server.ClientGone.WaitAsync(TimeSpan.FromSeconds(1));
    }
}
