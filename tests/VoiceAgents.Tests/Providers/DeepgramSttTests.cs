using System.Diagnostics;
using System.Net.WebSockets;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using VoiceAgents.Core.Domain;
using VoiceAgents.Tests.Infrastructure;
using VoiceAgents.VoiceHost.Providers;

namespace VoiceAgents.Tests.Providers;

/// <summary>The Deepgram provider against a loopback server speaking Deepgram's live WebSocket protocol.</summary>
public sealed class DeepgramSttTests : IAsyncLifetime
{
    private DeepgramLoopback _server = default!;
    private readonly List<ServiceProvider> _services = [];

    public async Task InitializeAsync() => _server = await DeepgramLoopback.StartAsync();

    public async Task DisposeAsync()
    {
        foreach (var s in _services) await s.DisposeAsync();
        await _server.DisposeAsync();
    }

    private ISttProvider Provider(params (string Key, string Value)[] extra)
    {
        var settings = new Dictionary<string, string?>
        {
            ["Providers:Deepgram:ApiKey"] = DeepgramLoopback.ApiKey,
            ["Providers:Deepgram:BaseUrl"] = _server.BaseUrl.ToString(),
        };
        foreach (var (key, value) in extra) settings[$"Providers:Deepgram:{key}"] = value;
        var services = Loopback.SttServices(settings);
        _services.Add(services);
        return services.GetRequiredKeyedService<ISttProvider>("deepgram");
    }

    private static SttConfig English => new() { Provider = "deepgram", Language = "en-US" };

    [Fact]
    public async Task Interims_stream_in_order_before_the_turn_ends_and_finalize_joins_the_finals()
    {
        _server.Script = async c =>
        {
            await c.WaitForAudioAsync(3200);
            await c.SendSpeechStartedAsync(0.1);
            await c.SendResultsAsync("hello", isFinal: false, confidence: 0.7);
            await c.SendResultsAsync("hello wor", isFinal: false, confidence: 0.8);
            await c.SendResultsAsync("hello world", isFinal: true, confidence: 0.9);
            await c.SendResultsAsync("how", isFinal: false, start: 1.0);
            await c.WaitForMessageAsync("Finalize");
            await c.SendUtteranceEndAsync(1.9);
            await c.SendResultsAsync("how are you", isFinal: true, speechFinal: true, fromFinalize: true, confidence: 0.8, start: 1.0);
        };
        await using var session = await Provider().ConnectAsync(English, CancellationToken.None);
        var interims = new List<SttResult>();
        var first = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var fourth = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var reading = Task.Run(async () =>
        {
            await foreach (var r in session.InterimResultsAsync(CancellationToken.None))
            {
                lock (interims) interims.Add(r);
                first.TrySetResult();
                if (interims.Count == 4) fourth.TrySetResult();
            }
        });

        await session.SendAudioAsync(Loopback.Tone(1600), CancellationToken.None);
        await session.SendAudioAsync(Loopback.Tone(1600), CancellationToken.None);
        // The first interim is usable while the user is still talking: no Finalize has been sent yet.
        await first.Task.WaitAsync(TimeSpan.FromSeconds(10));
        var connection = await _server.NextConnectionAsync();
        Assert.DoesNotContain(connection.Frames, f => f.JsonType == "Finalize");
        await fourth.Task.WaitAsync(TimeSpan.FromSeconds(10));

        var final = await session.FinalizeAsync(CancellationToken.None);

        Assert.Equal(["hello", "hello wor", "hello world", "hello world how"], interims.Select(r => r.Text));
        Assert.All(interims, r => Assert.False(r.IsFinal));
        Assert.Equal("hello world how are you", final.Text);
        Assert.True(final.IsFinal);
        Assert.Equal(0.85, final.Confidence!.Value, 3);
        await session.DisposeAsync();
        await reading.WaitAsync(TimeSpan.FromSeconds(10));
    }

    [Fact]
    public async Task Connects_with_the_documented_query_and_token_and_streams_binary_linear16()
    {
        _server.Script = async c =>
        {
            await c.WaitForMessageAsync("Finalize");
            await c.SendResultsAsync("namaste", isFinal: true, speechFinal: true, fromFinalize: true);
        };
        var stt = Provider(("Model", "nova-2"));
        await using var session = await stt.ConnectAsync(new SttConfig { Provider = "deepgram", Language = "hi" }, CancellationToken.None);
        short[] samples = [0, 1, -1, 256, short.MaxValue, short.MinValue, 12345, -12345];

        await session.SendAudioAsync(samples, CancellationToken.None);
        await session.SendAudioAsync(Array.Empty<short>(), CancellationToken.None);
        var final = await session.FinalizeAsync(CancellationToken.None);
        await session.DisposeAsync();

        var connection = await _server.NextConnectionAsync();
        await connection.Ended.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal("namaste", final.Text);
        Assert.Equal($"Token {DeepgramLoopback.ApiKey}", connection.Authorization);
        Assert.Equal("nova-2", connection.Query["model"]);
        Assert.Equal("linear16", connection.Query["encoding"]);
        Assert.Equal("16000", connection.Query["sample_rate"]);
        Assert.Equal("1", connection.Query["channels"]);
        Assert.Equal("true", connection.Query["interim_results"]);
        Assert.Equal("hi", connection.Query["language"]);
        Assert.Equal("true", connection.Query["smart_format"]);
        Assert.Equal("true", connection.Query["punctuate"]);

        // Audio as one binary frame of little-endian PCM16 (no empty frame: Deepgram reads that as end of stream),
        // then the control messages as text frames.
        var frames = connection.Frames.Where(f => f.JsonType != "KeepAlive").ToList();
        Assert.Equal(3, frames.Count);
        Assert.Equal(WebSocketMessageType.Binary, frames[0].Kind);
        Assert.Equal(Loopback.LittleEndian(samples), frames[0].Data);
        Assert.Equal(WebSocketMessageType.Text, frames[1].Kind);
        Assert.Equal("Finalize", JsonNode.Parse(frames[1].Text)!["type"]!.GetValue<string>());
        Assert.Equal(WebSocketMessageType.Text, frames[2].Kind);
        Assert.Equal("CloseStream", JsonNode.Parse(frames[2].Text)!["type"]!.GetValue<string>());
    }

    [Fact]
    public async Task KeepAlive_text_frames_go_out_while_no_audio_flows()
    {
        _server.Script = c => c.Ended;
        await using var session = await Provider(("KeepAliveInterval", "00:00:00.150")).ConnectAsync(English, CancellationToken.None);
        var connection = await _server.NextConnectionAsync();

        await connection.WaitForMessagesAsync("KeepAlive", 3);

        Assert.All(connection.Frames, f =>
        {
            Assert.Equal(WebSocketMessageType.Text, f.Kind);
            Assert.Equal("KeepAlive", JsonNode.Parse(f.Text)!["type"]!.GetValue<string>());
        });
        // The socket is still usable after the idle stretch.
        await session.SendAudioAsync(Loopback.Tone(160), CancellationToken.None);
        await connection.WaitForAudioAsync(320);
    }

    [Fact]
    public async Task A_Deepgram_error_message_fails_the_session_with_its_description()
    {
        _server.Script = async c =>
        {
            await c.WaitForAudioAsync(2);
            await c.SendResultsAsync("hel", isFinal: false);
            await c.SendAsync(new { type = "Error", description = "Failed to decode the audio as linear16", message = "Bad audio payload", variant = "DATA-0000" });
            await c.SendCloseAsync(WebSocketCloseStatus.PolicyViolation, "DATA-0000");
        };
        await using var session = await Provider().ConnectAsync(English, CancellationToken.None);
        await session.SendAudioAsync(Loopback.Tone(1600), CancellationToken.None);

        var interims = await Assert.ThrowsAsync<ProviderException>(() => Collect(session));
        var finalize = await Assert.ThrowsAsync<ProviderException>(async () => await session.FinalizeAsync(CancellationToken.None));
        var send = await Assert.ThrowsAsync<ProviderException>(async () => await session.SendAudioAsync(Loopback.Tone(160), CancellationToken.None));

        foreach (var e in new[] { interims, finalize, send })
        {
            Assert.Equal("deepgram", e.Provider);
            Assert.Contains("Failed to decode the audio as linear16", e.Message);
        }
    }

    [Fact]
    public async Task A_close_frame_from_Deepgram_fails_the_session_with_its_reason()
    {
        _server.Script = async c =>
        {
            await c.WaitForAudioAsync(2);
            await c.SendCloseAsync(WebSocketCloseStatus.InternalServerError, "NET-0001");
        };
        await using var session = await Provider().ConnectAsync(English, CancellationToken.None);
        await session.SendAudioAsync(Loopback.Tone(160), CancellationToken.None);

        var error = await Assert.ThrowsAsync<ProviderException>(() => Collect(session));
        var send = await Assert.ThrowsAsync<ProviderException>(async () => await session.SendAudioAsync(Loopback.Tone(160), CancellationToken.None));

        Assert.Contains("1011 NET-0001", error.Message);
        Assert.Contains("NET-0001", send.Message);
    }

    [Fact]
    public async Task A_refused_handshake_fails_with_the_dg_error_reason()
    {
        _server.Reject = (401, "Invalid credentials.");

        var error = await Assert.ThrowsAsync<ProviderException>(async () => await Provider().ConnectAsync(English, CancellationToken.None));

        Assert.Equal("deepgram", error.Provider);
        Assert.Contains("401", error.Message);
        Assert.Contains("Invalid credentials.", error.Message);
    }

    [Fact]
    public async Task A_connection_dropped_mid_stream_fails_finalize_sends_and_interims_instead_of_hanging()
    {
        _server.Script = async c =>
        {
            await c.WaitForAudioAsync(2);
            await c.SendResultsAsync("can you", isFinal: false);
            await c.WaitForMessageAsync("Finalize");
            c.Drop();
        };
        await using var session = await Provider(("FinalizeTimeout", "00:01:00")).ConnectAsync(English, CancellationToken.None);
        var interims = new List<string>();
        var reading = Task.Run(async () =>
        {
            await foreach (var r in session.InterimResultsAsync(CancellationToken.None)) interims.Add(r.Text);
        });
        await session.SendAudioAsync(Loopback.Tone(1600), CancellationToken.None);
        await Eventually.Assert(() => Assert.Single(interims), TimeSpan.FromSeconds(10));

        var clock = Stopwatch.StartNew();
        var finalize = await Assert.ThrowsAsync<ProviderException>(async () => await session.FinalizeAsync(CancellationToken.None));

        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(10), "finalize waited for its timeout instead of failing on the drop");
        Assert.Contains("lost", finalize.Message);
        await Assert.ThrowsAsync<ProviderException>(() => reading.WaitAsync(TimeSpan.FromSeconds(10)));
        await Assert.ThrowsAsync<ProviderException>(async () => await session.SendAudioAsync(Loopback.Tone(160), CancellationToken.None));
        Assert.Equal(["can you"], interims);
    }

    [Fact]
    public async Task A_slow_finalize_reply_within_the_timeout_is_waited_for()
    {
        _server.Script = async c =>
        {
            await c.WaitForMessageAsync("Finalize");
            await Task.Delay(600);
            await c.SendResultsAsync("worth the wait", isFinal: true, speechFinal: true, fromFinalize: true);
        };
        await using var session = await Provider(("FinalizeTimeout", "00:00:05")).ConnectAsync(English, CancellationToken.None);
        await session.SendAudioAsync(Loopback.Tone(1600), CancellationToken.None);

        var final = await session.FinalizeAsync(CancellationToken.None);

        Assert.Equal("worth the wait", final.Text);
    }

    [Fact]
    public async Task A_finalize_reply_slower_than_the_timeout_fails_with_ProviderException()
    {
        _server.Script = async c =>
        {
            await c.WaitForMessageAsync("Finalize");
            await Task.Delay(TimeSpan.FromSeconds(5));
            await c.SendResultsAsync("too late", isFinal: true, fromFinalize: true);
        };
        await using var session = await Provider(("FinalizeTimeout", "00:00:00.400")).ConnectAsync(English, CancellationToken.None);
        await session.SendAudioAsync(Loopback.Tone(1600), CancellationToken.None);

        var clock = Stopwatch.StartNew();
        var error = await Assert.ThrowsAsync<ProviderException>(async () => await session.FinalizeAsync(CancellationToken.None));

        Assert.Contains("Finalize", error.Message);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(4), $"took {clock.Elapsed}");
    }

    [Fact]
    public async Task An_unconfirmed_finalize_keeps_the_finals_already_received()
    {
        // Deepgram does not promise a from_finalize reply when little audio was left to flush.
        _server.Script = async c =>
        {
            await c.WaitForAudioAsync(2);
            await c.SendResultsAsync("already final", isFinal: true, speechFinal: true);
        };
        await using var session = await Provider(("FinalizeTimeout", "00:00:00.400")).ConnectAsync(English, CancellationToken.None);
        var interim = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        _ = Task.Run(async () =>
        {
            await foreach (var r in session.InterimResultsAsync(CancellationToken.None)) interim.TrySetResult(r.Text);
        });
        await session.SendAudioAsync(Loopback.Tone(1600), CancellationToken.None);
        await interim.Task.WaitAsync(TimeSpan.FromSeconds(10));

        var final = await session.FinalizeAsync(CancellationToken.None);

        Assert.Equal("already final", final.Text);
    }

    [Fact]
    public async Task A_handshake_slower_than_the_connect_timeout_fails_with_ProviderException()
    {
        _server.HandshakeDelay = TimeSpan.FromSeconds(5);

        var clock = Stopwatch.StartNew();
        var error = await Assert.ThrowsAsync<ProviderException>(async () =>
            await Provider(("ConnectTimeout", "00:00:00.400")).ConnectAsync(English, CancellationToken.None));

        Assert.Contains("handshake", error.Message);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(4), $"took {clock.Elapsed}");
    }

    [Fact]
    public async Task A_slow_handshake_within_the_connect_timeout_connects()
    {
        _server.HandshakeDelay = TimeSpan.FromMilliseconds(500);
        _server.Script = async c =>
        {
            await c.WaitForMessageAsync("Finalize");
            await c.SendResultsAsync("connected", isFinal: true, fromFinalize: true);
        };

        await using var session = await Provider(("ConnectTimeout", "00:00:05")).ConnectAsync(English, CancellationToken.None);
        await session.SendAudioAsync(Loopback.Tone(160), CancellationToken.None);

        Assert.Equal("connected", (await session.FinalizeAsync(CancellationToken.None)).Text);
    }

    [Fact]
    public async Task Cancelling_finalize_stops_waiting_promptly()
    {
        _server.Script = c => c.Ended;
        await using var session = await Provider(("FinalizeTimeout", "00:01:00")).ConnectAsync(English, CancellationToken.None);
        await session.SendAudioAsync(Loopback.Tone(1600), CancellationToken.None);
        using var cts = new CancellationTokenSource(TimeSpan.FromMilliseconds(300));

        var clock = Stopwatch.StartNew();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () => await session.FinalizeAsync(cts.Token));

        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(5), $"took {clock.Elapsed}");
    }

    [Fact]
    public async Task Two_turns_on_one_socket_each_get_their_own_transcript()
    {
        _server.Script = async c =>
        {
            await c.WaitForMessageAsync("Finalize");
            await c.SendResultsAsync("first turn", isFinal: true, fromFinalize: true);
            await c.WaitForMessagesAsync("Finalize", 2);
            await c.SendResultsAsync("second", isFinal: true);
            await c.SendResultsAsync("turn", isFinal: true, fromFinalize: true);
        };
        await using var session = await Provider().ConnectAsync(English, CancellationToken.None);

        await session.SendAudioAsync(Loopback.Tone(1600), CancellationToken.None);
        var first = await session.FinalizeAsync(CancellationToken.None);
        await session.SendAudioAsync(Loopback.Tone(1600), CancellationToken.None);
        var second = await session.FinalizeAsync(CancellationToken.None);

        Assert.Equal("first turn", first.Text);
        Assert.Equal("second turn", second.Text);
    }

    [Fact]
    public async Task Audio_of_the_next_turn_sent_while_finalizing_belongs_to_the_next_transcript()
    {
        _server.Script = async c =>
        {
            await c.WaitForMessageAsync("Finalize");
            await c.WaitForAudioAsync(6400);
            await c.SendResultsAsync("first", isFinal: true, fromFinalize: true);
            await c.SendResultsAsync("second", isFinal: true);
            await c.WaitForMessagesAsync("Finalize", 2);
            // Nothing was left to flush: the confirmation carries an empty transcript.
            await c.SendResultsAsync("", isFinal: true, fromFinalize: true);
        };
        await using var session = await Provider().ConnectAsync(English, CancellationToken.None);

        await session.SendAudioAsync(Loopback.Tone(1600), CancellationToken.None);
        var finalizing = session.FinalizeAsync(CancellationToken.None).AsTask();
        await session.SendAudioAsync(Loopback.Tone(1600), CancellationToken.None);
        var first = await finalizing;
        var second = await session.FinalizeAsync(CancellationToken.None);

        Assert.Equal("first", first.Text);
        Assert.Equal("second", second.Text);
    }

    [Fact]
    public async Task Without_an_api_key_the_provider_refuses_to_connect()
    {
        var services = Loopback.SttServices(new Dictionary<string, string?>());
        _services.Add(services);
        var stt = services.GetRequiredKeyedService<ISttProvider>("deepgram");

        var error = await Assert.ThrowsAsync<ProviderException>(async () => await stt.ConnectAsync(English, CancellationToken.None));

        Assert.Contains("Providers:Deepgram:ApiKey", error.Message);
    }

    private static async Task Collect(ISttSession session)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        await foreach (var _ in session.InterimResultsAsync(timeout.Token))
        {
        }
    }
}
