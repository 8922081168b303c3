using System.Diagnostics;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using VoiceAgents.Core.Domain;
using VoiceAgents.VoiceHost.Providers;

namespace VoiceAgents.Tests.Providers;

/// <summary>
/// What every batch (HTTP) speech-to-text provider must do against its loopback vendor: one request per utterance
/// at finalize, timeouts on the first byte, drops and cancellation turned into the right exceptions.
/// </summary>
public abstract class HttpSttProviderTests : IAsyncLifetime
{
    private readonly List<ServiceProvider> _services = [];

    protected HttpLoopback Server { get; private set; } = default!;

    protected abstract string ProviderName { get; }
    protected abstract string Section { get; }
    protected abstract SttConfig Config { get; }

    /// <summary>Settings that make the provider configured and point it at the loopback.</summary>
    protected abstract Dictionary<string, string?> Settings(Uri baseUrl);

    /// <summary>A successful vendor response carrying this transcript.</summary>
    protected abstract string Success(string transcript);

    public async Task InitializeAsync() => Server = await HttpLoopback.StartAsync();

    public async Task DisposeAsync()
    {
        foreach (var s in _services) await s.DisposeAsync();
        await Server.DisposeAsync();
    }

    protected ISttProvider Provider(TimeSpan? timeout = null, Dictionary<string, string?>? settings = null)
    {
        settings ??= Settings(Server.BaseUrl);
        if (timeout is { } t) settings[$"{Section}:Timeout"] = t.ToString("c");
        var services = Loopback.SttServices(settings);
        _services.Add(services);
        return services.GetRequiredKeyedService<ISttProvider>(ProviderName);
    }

    protected async Task<SttResult> TranscribeAsync(ISttProvider stt, short[] audio, CancellationToken ct = default)
    {
        await using var session = await stt.ConnectAsync(Config, ct);
        await session.SendAudioAsync(audio, ct);
        return await session.FinalizeAsync(ct);
    }

    [Fact]
    public async Task Each_utterance_is_sent_once_when_it_is_finalized()
    {
        var replies = new Queue<string>(["first utterance", "second utterance"]);
        Server.Respond = ctx => HttpLoopback.Json(200, Success(replies.Dequeue()))(ctx);
        await using var session = await Provider().ConnectAsync(Config, CancellationToken.None);

        await session.SendAudioAsync(Loopback.Tone(1600), CancellationToken.None);
        await session.SendAudioAsync(Loopback.Tone(1600), CancellationToken.None);
        Assert.Empty(Server.Requests);
        var first = await session.FinalizeAsync(CancellationToken.None);
        await session.SendAudioAsync(Loopback.Tone(4000), CancellationToken.None);
        var second = await session.FinalizeAsync(CancellationToken.None);

        Assert.Equal("first utterance", first.Text);
        Assert.True(first.IsFinal);
        Assert.Equal("second utterance", second.Text);
        Assert.Equal(2, Server.Requests.Count);
        await foreach (var _ in session.InterimResultsAsync(CancellationToken.None)) Assert.Fail("a batch provider has no interims");
    }

    [Fact]
    public async Task An_utterance_too_short_to_transcribe_makes_no_request()
    {
        var final = await TranscribeAsync(Provider(), Loopback.Tone(400));

        Assert.Equal("", final.Text);
        Assert.Empty(Server.Requests);
    }

    [Fact]
    public async Task A_slow_first_byte_within_the_timeout_is_waited_for()
    {
        Server.Respond = HttpLoopback.Json(200, Success("slow but sure"), delay: TimeSpan.FromMilliseconds(600));

        var final = await TranscribeAsync(Provider(TimeSpan.FromSeconds(5)), Loopback.Tone(3200));

        Assert.Equal("slow but sure", final.Text);
    }

    [Fact]
    public async Task A_first_byte_slower_than_the_timeout_fails_with_ProviderException()
    {
        Server.Respond = HttpLoopback.Json(200, Success("too late"), delay: TimeSpan.FromSeconds(10));

        var clock = Stopwatch.StartNew();
        var error = await Assert.ThrowsAsync<ProviderException>(() => TranscribeAsync(Provider(TimeSpan.FromMilliseconds(400)), Loopback.Tone(3200)));

        Assert.Equal(ProviderName, error.Provider);
        Assert.Contains("no complete response within 0.4 s", error.Message);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(5), $"took {clock.Elapsed}");
    }

    [Fact]
    public async Task A_connection_dropped_mid_response_fails_with_ProviderException()
    {
        Server.Respond = HttpLoopback.DropMidBody("""{"output":[{"sou""");

        var error = await Assert.ThrowsAsync<ProviderException>(() => TranscribeAsync(Provider(), Loopback.Tone(3200)));

        Assert.Equal(ProviderName, error.Provider);
        Assert.Contains("request failed", error.Message);
    }

    [Fact]
    public async Task A_server_error_without_a_vendor_body_fails_with_its_status()
    {
        Server.Respond = async ctx =>
        {
            ctx.Response.StatusCode = 502;
            await ctx.Response.WriteAsync("upstream connect error");
        };

        var error = await Assert.ThrowsAsync<ProviderException>(() => TranscribeAsync(Provider(), Loopback.Tone(3200)));

        Assert.Contains("HTTP 502: upstream connect error", error.Message);
    }

    [Fact]
    public async Task A_malformed_success_body_fails_with_ProviderException()
    {
        Server.Respond = HttpLoopback.Json(200, "<html>gateway</html>");

        var error = await Assert.ThrowsAsync<ProviderException>(() => TranscribeAsync(Provider(), Loopback.Tone(3200)));

        Assert.Contains("unreadable response", error.Message);
    }

    [Fact]
    public async Task Cancelling_aborts_the_request_in_flight()
    {
        Server.Respond = HttpLoopback.Json(200, Success("never"), delay: TimeSpan.FromSeconds(30));
        using var cts = new CancellationTokenSource(TimeSpan.FromMilliseconds(400));

        var clock = Stopwatch.StartNew();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => TranscribeAsync(Provider(TimeSpan.FromMinutes(1)), Loopback.Tone(3200), cts.Token));

        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(5), $"took {clock.Elapsed}");
        await Server.ClientAborted.Task.WaitAsync(TimeSpan.FromSeconds(5));
    }

    [Fact]
    public async Task An_unreachable_vendor_fails_with_ProviderException()
    {
        var closedPort = Server.BaseUrl;
        await Server.DisposeAsync();
        Server = await HttpLoopback.StartAsync();

        var error = await Assert.ThrowsAsync<ProviderException>(() => TranscribeAsync(Provider(settings: Settings(closedPort)), Loopback.Tone(3200)));

        Assert.Contains("request failed", error.Message);
    }
}
