using System.Collections.Concurrent;
using System.Net.WebSockets;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using VoiceAgents.Core.Domain;
using VoiceAgents.Tests.Providers.VendorServers;
using VoiceAgents.VoiceHost.Audio;
using VoiceAgents.VoiceHost.Providers.Cartesia;
using VoiceAgents.VoiceHost.Providers;
using static VoiceAgents.Tests.Providers.VendorServers.ProviderTestKit;

namespace VoiceAgents.Tests.Providers;

public sealed class CartesiaTtsTests
{
    private const string Voice = "a0e99841-438c-4a64-b679-ae501e7d6091";
    private static readonly TtsConfig Config = new() { Provider = "cartesia", Voice = Voice };

    private readonly ConcurrentQueue<JsonElement> _received = new();

    private static CartesiaTts Create(LoopbackServer server, TimeSpan? timeout = null) => new(
        Options.Create(new CartesiaOptions
        {
            ApiKey = "ck-test",
            BaseUrl = server.WebSocketUri.ToString().TrimEnd('/'),
            Timeout = timeout ?? TimeSpan.FromSeconds(5),
        }),
        Handlers, NullLogger<CartesiaTts>.Instance);

    /// <summary>A Cartesia endpoint that runs <paramref name="session"/> with each connection's socket.</summary>
    private static Task<LoopbackServer> ServeAsync(Func<CartesiaWire, HttpContext, Task> session) => LoopbackServer.StartAsync(async c =>
    {
        if (!c.WebSockets.IsWebSocketRequest)
        {
            c.Response.StatusCode = 400;
            return;
        }
        using var socket = await c.WebSockets.AcceptWebSocketAsync();
        await session(new CartesiaWire(socket), c);
    });

    /// <summary>Answers every request on the connection with <paramref name="samples"/>, until the client goes.</summary>
    private Task<LoopbackServer> ServeAudioAsync(short[] samples, int chunk = 320) => ServeAsync(async (wire, c) =>
    {
        while (true)
        {
            var request = await wire.ReceiveRequestAsync(_received, c.RequestAborted);
            await wire.AnswerAsync(request.GetProperty("context_id").GetString()!, samples, chunk, c.RequestAborted);
        }
    });

    private static short[] Samples(IEnumerable<AudioChunk> chunks) => chunks.SelectMany(c => c.Samples.ToArray()).ToArray();

    [Fact]
    public async Task Streams_audio_chunks_in_order_and_the_first_arrives_before_the_sentence_is_done()
    {
        var samples = CartesiaWire.Ramp(1600);
        var firstSeen = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var server = await ServeAsync(async (wire, c) =>
        {
            var request = await wire.ReceiveRequestAsync(_received, c.RequestAborted);
            await wire.AnswerAsync(request.GetProperty("context_id").GetString()!, samples, 320, c.RequestAborted, firstSeen.Task);
            await Wire.HangAsync(c);
        });
        using var tts = Create(server);

        var chunks = new List<AudioChunk>();
        using var cts = new CancellationTokenSource(Patience);
        await foreach (var chunk in tts.SynthesizeAsync("We open at nine.", Config, "en-US", cts.Token))
        {
            chunks.Add(chunk);
            firstSeen.TrySetResult();
        }

        Assert.Equal(5, chunks.Count);
        Assert.All(chunks, c => Assert.Equal(16000, c.SampleRate));
        Assert.Equal(samples, Samples(chunks));
    }

    [Fact]
    public async Task Sends_a_generation_request_in_the_documented_format()
    {
        await using var server = await ServeAudioAsync(CartesiaWire.Ramp(320));
        using var tts = Create(server);

        await CollectAsync(tts.SynthesizeAsync("We open at nine.", new TtsConfig { Provider = "cartesia", Voice = Voice, Speed = 1.2 }, "es-MX", default));

        var handshake = server.Single();
        Assert.Equal("/tts/websocket", handshake.Path);
        Assert.Contains("api_key=ck-test", handshake.Query);
        Assert.Contains("cartesia_version=2025-04-16", handshake.Query);
        Assert.Equal("2025-04-16", handshake.Header("Cartesia-Version"));
        var request = Assert.Single(_received);
        Assert.Equal("sonic-3", request.GetProperty("model_id").GetString());
        Assert.Equal("We open at nine.", request.GetProperty("transcript").GetString());
        Assert.Equal("id", request.GetProperty("voice").GetProperty("mode").GetString());
        Assert.Equal(Voice, request.GetProperty("voice").GetProperty("id").GetString());
        Assert.Equal("es", request.GetProperty("language").GetString());
        var format = request.GetProperty("output_format");
        Assert.Equal("raw", format.GetProperty("container").GetString());
        Assert.Equal("pcm_s16le", format.GetProperty("encoding").GetString());
        Assert.Equal(16000, format.GetProperty("sample_rate").GetInt32());
        Assert.False(string.IsNullOrEmpty(request.GetProperty("context_id").GetString()));
        Assert.False(request.GetProperty("continue").GetBoolean());
        Assert.Equal(1.2, request.GetProperty("generation_config").GetProperty("speed").GetDouble(), 3);
    }

    [Fact]
    public async Task The_next_sentence_reuses_the_open_connection_with_a_new_context()
    {
        await using var server = await ServeAudioAsync(CartesiaWire.Ramp(640));
        using var tts = Create(server);

        var first = await CollectAsync(tts.SynthesizeAsync("Hello.", Config, "en", default));
        var second = await CollectAsync(tts.SynthesizeAsync("Goodbye.", Config, "en", default));

        Assert.Equal(640, Samples(first).Length);
        Assert.Equal(640, Samples(second).Length);
        Assert.Single(server.Requests);
        var contexts = _received.Select(r => r.GetProperty("context_id").GetString()).ToList();
        Assert.Equal(2, contexts.Distinct().Count());
    }

    [Fact]
    public async Task An_idle_connection_the_server_closed_is_replaced_transparently()
    {
        // The server drops the connection only once the client has read the whole first sentence: a reset that
        // arrived earlier would discard the reply still unread in the client's socket buffer on a slow machine.
        var firstRead = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var dropped = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var server = await ServeAsync(async (wire, c) =>
        {
            var request = await wire.ReceiveRequestAsync(_received, c.RequestAborted);
            await wire.AnswerAsync(request.GetProperty("context_id").GetString()!, CartesiaWire.Ramp(320), 320, c.RequestAborted);
            if (!firstRead.Task.IsCompleted)
            {
                await firstRead.Task.WaitAsync(Patience);
                c.Abort();
                dropped.TrySetResult();
            }
            else
            {
                await Wire.HangAsync(c);
            }
        });
        using var tts = Create(server);

        await CollectAsync(tts.SynthesizeAsync("Hello.", Config, "en", default));
        firstRead.SetResult();
        await dropped.Task.WaitAsync(Patience);
        await Task.Delay(200);
        var second = await CollectAsync(tts.SynthesizeAsync("Goodbye.", Config, "en", default));

        Assert.Equal(320, Samples(second).Length);
        Assert.Equal(2, server.Requests.Count);
    }

    [Fact]
    public async Task An_error_message_becomes_a_ProviderException_with_the_vendor_message()
    {
        await using var server = await ServeAsync(async (wire, c) =>
        {
            var request = await wire.ReceiveRequestAsync(_received, c.RequestAborted);
            await wire.ErrorAsync(request.GetProperty("context_id").GetString()!, "Invalid model", "The model is not valid, make sure it is a valid model ID.", c.RequestAborted);
            await Wire.HangAsync(c);
        });
        using var tts = Create(server);

        var e = await Assert.ThrowsAsync<ProviderException>(() => CollectAsync(tts.SynthesizeAsync("Hello.", Config, "en", default)));

        Assert.Equal("cartesia", e.Provider);
        Assert.Contains("The model is not valid", e.Message);
    }

    [Fact]
    public async Task A_refused_handshake_becomes_a_ProviderException_with_the_status()
    {
        await using var server = await LoopbackServer.StartAsync(c => Wire.JsonAsync(c, 401, """{"error":"Invalid API key"}"""));
        using var tts = Create(server);

        var e = await Assert.ThrowsAsync<ProviderException>(() => CollectAsync(tts.SynthesizeAsync("Hello.", Config, "en", default)));

        Assert.Contains("401", e.Message);
    }

    [Fact]
    public async Task A_connection_dropped_mid_stream_becomes_a_ProviderException()
    {
        await using var server = await ServeAsync(async (wire, c) =>
        {
            var request = await wire.ReceiveRequestAsync(_received, c.RequestAborted);
            await wire.ChunkAsync(request.GetProperty("context_id").GetString()!, CartesiaWire.Ramp(320), c.RequestAborted);
            await Task.Delay(50);
            c.Abort();
        });
        using var tts = Create(server);

        await ThrowsWithinAsync<ProviderException>(() => CollectAsync(tts.SynthesizeAsync("Hello.", Config, "en", default)), TimeSpan.FromSeconds(5));
    }

    [Fact]
    public async Task A_connection_closed_before_done_is_not_taken_as_complete()
    {
        await using var server = await ServeAsync(async (wire, c) =>
        {
            var request = await wire.ReceiveRequestAsync(_received, c.RequestAborted);
            await wire.ChunkAsync(request.GetProperty("context_id").GetString()!, CartesiaWire.Ramp(320), c.RequestAborted);
            await wire.SendCloseAsync(WebSocketCloseStatus.InternalServerError, "internal error", c.RequestAborted);
        });
        using var tts = Create(server);

        var e = await Assert.ThrowsAsync<ProviderException>(() => CollectAsync(tts.SynthesizeAsync("Hello.", Config, "en", default)));
        Assert.Contains("before the audio was done", e.Message);
    }

    [Fact]
    public async Task A_slow_first_chunk_within_the_timeout_is_waited_for()
    {
        await using var server = await ServeAsync(async (wire, c) =>
        {
            var request = await wire.ReceiveRequestAsync(_received, c.RequestAborted);
            await Task.Delay(600, c.RequestAborted);
            await wire.AnswerAsync(request.GetProperty("context_id").GetString()!, CartesiaWire.Ramp(320), 320, c.RequestAborted);
            await Wire.HangAsync(c);
        });
        using var tts = Create(server, TimeSpan.FromSeconds(5));

        var chunks = await CollectAsync(tts.SynthesizeAsync("Hello.", Config, "en", default));

        Assert.Equal(320, Samples(chunks).Length);
    }

    [Fact]
    public async Task A_first_chunk_slower_than_the_timeout_fails_with_a_ProviderException()
    {
        await using var server = await ServeAsync(async (wire, c) =>
        {
            await wire.ReceiveRequestAsync(_received, c.RequestAborted);
            await Wire.HangAsync(c);
        });
        using var tts = Create(server, TimeSpan.FromMilliseconds(500));

        var (e, _) = await ThrowsWithinAsync<ProviderException>(() => CollectAsync(tts.SynthesizeAsync("Hello.", Config, "en", default)), TimeSpan.FromSeconds(5));

        Assert.Contains("no response within", e.Message);
    }

    [Fact]
    public async Task Cancelling_closes_the_connection_promptly()
    {
        await using var server = await ServeAsync(async (wire, c) =>
        {
            var request = await wire.ReceiveRequestAsync(_received, c.RequestAborted);
            await wire.ChunkAsync(request.GetProperty("context_id").GetString()!, CartesiaWire.Ramp(320), c.RequestAborted);
            // Wait for the client's next message: it never sends one, so this ends when the connection does.
            await wire.ReceiveRequestAsync(_received, c.RequestAborted);
        });
        using var tts = Create(server, TimeSpan.FromSeconds(30));

        var elapsed = await CancelAfterFirstItemAsync(ct => tts.SynthesizeAsync("Hello.", Config, "en", ct));

        Assert.True(elapsed < TimeSpan.FromSeconds(1), $"took {elapsed} to stop");

        // Under the 2 s a drained HTTP/1.1 response would keep the connection: the abort must reach the vendor.
        await server.ClientGone.WaitAsync(TimeSpan.FromSeconds(1));
    }

    [Fact]
    public async Task Without_a_voice_it_fails_with_a_ProviderException_saying_so()
    {
        await using var server = await ServeAudioAsync(CartesiaWire.Ramp(320));
        using var tts = Create(server);

        var e = await Assert.ThrowsAsync<ProviderException>(() => CollectAsync(tts.SynthesizeAsync("Hello.", new TtsConfig { Provider = "cartesia" }, "en", default)));

        Assert.Contains("voice", e.Message);
    }
}
