using System.Buffers;
using System.Net.WebSockets;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json;
using System.Threading.Channels;
using Microsoft.Extensions.Options;
using VoiceAgents.Core.Domain;

namespace VoiceAgents.VoiceHost.Providers.Deepgram;

/// <summary>
/// Deepgram live transcription over its documented WebSocket API (<c>/v1/listen</c>), without the SDK. One socket
/// serves a whole call: audio goes up as binary frames of 16 kHz linear16, <c>KeepAlive</c> keeps the socket open
/// between turns, and <c>Finalize</c> flushes an utterance, whose <c>is_final</c> results are joined into the
/// transcript until the result marked <c>from_finalize</c>. Interim results stream as they come. A vendor error, an
/// unexpected close or a dropped connection fails the session with a <see cref="ProviderException"/>, so the caller
/// reconnects.
/// </summary>
public sealed partial class DeepgramStt(IOptions<DeepgramSttOptions> options, IHttpMessageHandlerFactory http, ILogger<DeepgramStt> log)
    : ISttProvider, IDescribedProvider
{
    public const string ProviderName = "deepgram";

    public static ProviderDescriptor Descriptor { get; } = new ProviderDescriptor<DeepgramStt, DeepgramSttOptions>
    {
        Info = new(ProviderName, "Deepgram (streaming)", Offline: false, [
            new("language", "string", "BCP-47; a bare language takes its first listed region", ["en-US", "en-IN", "hi", "es", "fr", "de"], Regions: true)]),
        Order = 10,
        Section = DeepgramSttOptions.Section,
        Settings = ["ApiKey"],
        IsConfigured = o => o.IsConfigured,
    };

    public string Name => ProviderName;

    public async ValueTask<ISttSession> ConnectAsync(SttConfig config, CancellationToken ct)
    {
        var o = options.Value;
        if (!o.IsConfigured) throw new ProviderException(ProviderName, $"not configured: set {DeepgramSttOptions.Section}:ApiKey");
        var socket = new ClientWebSocket();
        socket.Options.SetRequestHeader("Authorization", $"Token {o.ApiKey}");
        socket.Options.CollectHttpResponseDetails = true;
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(o.ConnectTimeout);
        try
        {
            using var invoker = VendorHttp.WebSocketInvoker(http, Descriptor.Key);
            await socket.ConnectAsync(ListenUri(o, config.Language), invoker, timeout.Token);
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            socket.Dispose();
            throw new ProviderException(ProviderName, $"no WebSocket handshake within {o.ConnectTimeout.TotalSeconds:0.##} s");
        }
        catch (Exception e) when (e is WebSocketException or HttpRequestException)
        {
            var message = HandshakeError(socket, e);
            socket.Dispose();
            throw new ProviderException(ProviderName, message, e);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
        LogConnected(log, o.Model, config.Language ?? "default");
        return new Session(socket, o, log);
    }

    /// <summary>The listen URL with the documented query parameters for raw 16 kHz mono PCM16.</summary>
    public static Uri ListenUri(DeepgramSttOptions o, string? language)
    {
        var query = new List<string>
        {
            $"model={Uri.EscapeDataString(o.Model)}",
            "encoding=linear16",
            "sample_rate=16000",
            "channels=1",
            "interim_results=true",
        };
        if (o.SmartFormat)
        {
            query.Add("punctuate=true");
            query.Add("smart_format=true");
        }
        if (!string.IsNullOrWhiteSpace(language)) query.Add($"language={Uri.EscapeDataString(language)}");
        var baseUrl = o.BaseUrl.TrimEnd('/');
        if (baseUrl.StartsWith("https://", StringComparison.OrdinalIgnoreCase)) baseUrl = "wss://" + baseUrl["https://".Length..];
        else if (baseUrl.StartsWith("http://", StringComparison.OrdinalIgnoreCase)) baseUrl = "ws://" + baseUrl["http://".Length..];
        return new Uri($"{baseUrl}/v1/listen?{string.Join('&', query)}");
    }

    /// <summary>A refused upgrade carries Deepgram's reason in the <c>dg-error</c> header.</summary>
    private static string HandshakeError(ClientWebSocket socket, Exception e)
    {
        var status = (int)socket.HttpStatusCode;
        var reason = socket.HttpResponseHeaders?
            .FirstOrDefault(h => string.Equals(h.Key, "dg-error", StringComparison.OrdinalIgnoreCase)).Value?
            .FirstOrDefault(v => !string.IsNullOrWhiteSpace(v));
        return (status, reason) switch
        {
            (> 0, not null) => $"connection refused ({status}): {reason}",
            (> 0, null) => $"connection refused with HTTP {status}",
            _ => $"cannot connect: {e.Message}",
        };
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Deepgram connected (model {Model}, language {Language})")]
    private static partial void LogConnected(ILogger logger, string model, string language);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Deepgram session failed: {Reason}")]
    private static partial void LogFailed(ILogger logger, string reason, Exception? error);

    [LoggerMessage(Level = LogLevel.Information, Message = "Deepgram did not confirm Finalize within {Seconds} s; using the final results received so far")]
    private static partial void LogFinalizeUnconfirmed(ILogger logger, double seconds);

    private sealed class Session : ISttSession
    {
        private static readonly byte[] KeepAliveMessage = """{"type":"KeepAlive"}"""u8.ToArray();
        private static readonly byte[] FinalizeMessage = """{"type":"Finalize"}"""u8.ToArray();
        private static readonly byte[] CloseStreamMessage = """{"type":"CloseStream"}"""u8.ToArray();
        private static readonly TimeSpan CloseTimeout = TimeSpan.FromSeconds(2);
        private const int MaxMessageBytes = 1 << 20;

        private readonly ClientWebSocket _socket;
        private readonly DeepgramSttOptions _options;
        private readonly ILogger _log;
        private readonly SemaphoreSlim _sendLock = new(1, 1);
        private readonly CancellationTokenSource _life = new();
        private readonly Channel<SttResult> _interims = Channel.CreateBounded<SttResult>(
            new BoundedChannelOptions(64) { FullMode = BoundedChannelFullMode.DropOldest });
        private readonly Lock _gate = new();
        private readonly List<TaskCompletionSource<SttResult>> _waiters = [];
        private readonly StringBuilder _finals = new();
        private double _confidenceSum;
        private int _confidenceCount;
        private string? _failure;
        private Exception? _failureCause;
        private long _lastSentAt = Environment.TickCount64;
        private volatile bool _closing;
        private int _disposed;
        private readonly Task _receiving;
        private readonly Task _keepingAlive;

        public Session(ClientWebSocket socket, DeepgramSttOptions options, ILogger log)
        {
            _socket = socket;
            _options = options;
            _log = log;
            _receiving = Task.Run(ReceiveAsync);
            _keepingAlive = Task.Run(KeepAliveAsync);
        }

        public async ValueTask SendAudioAsync(ReadOnlyMemory<short> pcm16k, CancellationToken ct)
        {
            // An empty binary frame is Deepgram's old end-of-stream signal: never send one.
            if (pcm16k.IsEmpty) return;
            var length = pcm16k.Length * sizeof(short);
            var buffer = ArrayPool<byte>.Shared.Rent(length);
            try
            {
                // linear16 is little-endian, as are the platforms .NET runs this host on.
                MemoryMarshal.AsBytes(pcm16k.Span).CopyTo(buffer);
                await SendAsync(buffer.AsMemory(0, length), WebSocketMessageType.Binary, ct);
            }
            finally
            {
                ArrayPool<byte>.Shared.Return(buffer);
            }
        }

        public async ValueTask<SttResult> FinalizeAsync(CancellationToken ct)
        {
            var waiter = new TaskCompletionSource<SttResult>(TaskCreationOptions.RunContinuationsAsynchronously);
            await SendAsync(FinalizeMessage, WebSocketMessageType.Text, ct, waiter);
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
            timeout.CancelAfter(_options.FinalizeTimeout);
            try
            {
                return await waiter.Task.WaitAsync(timeout.Token);
            }
            catch (OperationCanceledException)
            {
                SttResult? sofar = null;
                lock (_gate)
                {
                    // Removed means unanswered; otherwise the answer (or a failure) raced the timeout and wins.
                    if (_waiters.Remove(waiter) && !ct.IsCancellationRequested && _finals.Length > 0) sofar = TakeUtterance();
                }
                if (waiter.Task.IsCompleted) return await waiter.Task;
                ct.ThrowIfCancellationRequested();
                // Deepgram does not promise a from_finalize reply when it had little audio left to flush, so the
                // finals already received stand; with none at all the vendor is presumed stuck.
                if (sofar is not null)
                {
                    LogFinalizeUnconfirmed(_log, _options.FinalizeTimeout.TotalSeconds);
                    return sofar;
                }
                throw new ProviderException(ProviderName, $"no reply to Finalize within {_options.FinalizeTimeout.TotalSeconds:0.##} s");
            }
        }

        public async IAsyncEnumerable<SttResult> InterimResultsAsync([EnumeratorCancellation] CancellationToken ct)
        {
            await foreach (var result in _interims.Reader.ReadAllAsync(ct)) yield return result;
        }

        private async Task SendAsync(ReadOnlyMemory<byte> data, WebSocketMessageType type, CancellationToken ct, TaskCompletionSource<SttResult>? waiter = null)
        {
            ThrowIfFailed();
            await _sendLock.WaitAsync(ct);
            var sent = false;
            try
            {
                ThrowIfFailed();
                // Registered before the send so that a quick reply finds it, and under the send lock so that
                // waiters queue in the order their Finalize messages went out.
                if (waiter is not null) lock (_gate) _waiters.Add(waiter);
                using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct, _life.Token);
                timeout.CancelAfter(_options.SendTimeout);
                await _socket.SendAsync(data, type, endOfMessage: true, timeout.Token);
                Volatile.Write(ref _lastSentAt, Environment.TickCount64);
                sent = true;
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                throw;
            }
            catch (Exception e) when (e is WebSocketException or OperationCanceledException or ObjectDisposedException)
            {
                throw Fail(_life.IsCancellationRequested ? "the session was closed" : "the connection to Deepgram was lost while sending", e);
            }
            finally
            {
                if (!sent && waiter is not null) lock (_gate) _waiters.Remove(waiter);
                _sendLock.Release();
            }
        }

        private async Task ReceiveAsync()
        {
            var buffer = ArrayPool<byte>.Shared.Rent(16 * 1024);
            var message = new ArrayBufferWriter<byte>(16 * 1024);
            try
            {
                while (true)
                {
                    var result = await _socket.ReceiveAsync(buffer.AsMemory(), _life.Token);
                    if (result.MessageType == WebSocketMessageType.Close)
                    {
                        await OnClosedAsync();
                        return;
                    }
                    if (message.WrittenCount + result.Count > MaxMessageBytes) throw new InvalidDataException("a message from Deepgram exceeded 1 MiB");
                    message.Write(buffer.AsSpan(0, result.Count));
                    if (!result.EndOfMessage) continue;
                    if (result.MessageType == WebSocketMessageType.Text) Handle(message.WrittenMemory);
                    message.ResetWrittenCount();
                }
            }
            catch (OperationCanceledException) when (_life.IsCancellationRequested)
            {
                Fail("the session was closed", null);
            }
            catch (Exception e) when (e is WebSocketException or JsonException or InvalidDataException or ObjectDisposedException)
            {
                Fail(e is WebSocketException or ObjectDisposedException ? "the connection to Deepgram was lost" : $"unreadable message from Deepgram: {e.Message}", e);
            }
            finally
            {
                ArrayPool<byte>.Shared.Return(buffer);
            }
        }

        private async Task OnClosedAsync()
        {
            var status = _socket.CloseStatus;
            if (_closing && status is WebSocketCloseStatus.NormalClosure or null) Fail("the session was closed", null);
            else
            {
                // Deepgram puts its reason (NET-0001, DATA-0000 ...) in the close frame's payload.
                var description = _socket.CloseStatusDescription;
                Fail(string.IsNullOrWhiteSpace(description)
                    ? $"Deepgram closed the stream ({(int?)status})"
                    : $"Deepgram closed the stream ({(int?)status} {description})", null);
            }
            if (_socket.State == WebSocketState.CloseReceived)
            {
                using var timeout = new CancellationTokenSource(CloseTimeout);
                try
                {
                    await _socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, null, timeout.Token);
                }
                catch (Exception e) when (e is WebSocketException or OperationCanceledException or ObjectDisposedException)
                {
                }
            }
        }

        private void Handle(ReadOnlyMemory<byte> json)
        {
            using var doc = JsonDocument.Parse(json);
            var root = doc.RootElement;
            if (root.ValueKind != JsonValueKind.Object) return;
            switch (root.TryGetProperty("type", out var type) ? type.GetString() : null)
            {
                case "Results":
                    OnResults(root);
                    break;
                case "Error":
                    Fail($"Deepgram error: {ErrorText(root)}", null);
                    break;
                // Metadata, SpeechStarted and UtteranceEnd carry nothing this session needs.
            }
        }

        private void OnResults(JsonElement root)
        {
            var isFinal = root.TryGetProperty("is_final", out var f) && f.ValueKind == JsonValueKind.True;
            var fromFinalize = root.TryGetProperty("from_finalize", out var ff) && ff.ValueKind == JsonValueKind.True;
            var text = "";
            double? confidence = null;
            // start + duration: how far into the stream's audio this result has heard.
            TimeSpan? heard = root.TryGetProperty("start", out var start) && start.ValueKind == JsonValueKind.Number
                && root.TryGetProperty("duration", out var duration) && duration.ValueKind == JsonValueKind.Number
                ? TimeSpan.FromSeconds(start.GetDouble() + duration.GetDouble())
                : null;
            if (root.TryGetProperty("channel", out var channel) && channel.ValueKind == JsonValueKind.Object
                && channel.TryGetProperty("alternatives", out var alternatives) && alternatives.ValueKind == JsonValueKind.Array
                && alternatives.GetArrayLength() > 0)
            {
                var best = alternatives[0];
                if (best.TryGetProperty("transcript", out var t) && t.ValueKind == JsonValueKind.String) text = t.GetString()!.Trim();
                if (best.TryGetProperty("confidence", out var c) && c.ValueKind == JsonValueKind.Number) confidence = c.GetDouble();
            }

            string? interim = null;
            TaskCompletionSource<SttResult>? waiter = null;
            SttResult? utterance = null;
            lock (_gate)
            {
                if (isFinal && text.Length > 0)
                {
                    if (_finals.Length > 0) _finals.Append(' ');
                    _finals.Append(text);
                    if (confidence is { } value)
                    {
                        _confidenceSum += value;
                        _confidenceCount++;
                    }
                }
                // Interims are cumulative over the utterance, so a listener always sees all that was heard so far.
                if (text.Length > 0 && !fromFinalize) interim = isFinal ? _finals.ToString() : _finals.Length > 0 ? $"{_finals} {text}" : text;
                if (fromFinalize)
                {
                    // With no waiter the Finalize already timed out and took its finals; what is left is its tail.
                    if (_waiters.Count > 0)
                    {
                        waiter = _waiters[0];
                        _waiters.RemoveAt(0);
                    }
                    utterance = TakeUtterance();
                }
            }
            if (interim is not null) _interims.Writer.TryWrite(new SttResult(interim, false, confidence, heard));
            if (waiter is not null) waiter.TrySetResult(utterance!);
        }

        private SttResult TakeUtterance()
        {
            var result = new SttResult(_finals.ToString(), true, _confidenceCount > 0 ? _confidenceSum / _confidenceCount : null);
            _finals.Clear();
            _confidenceSum = 0;
            _confidenceCount = 0;
            return result;
        }

        private static string ErrorText(JsonElement root)
        {
            var parts = new[] { "description", "message", "variant" }
                .Select(name => root.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null)
                .Where(s => !string.IsNullOrWhiteSpace(s))
                .Distinct()
                .ToList();
            return parts.Count > 0 ? string.Join(" / ", parts) : root.GetRawText();
        }

        private async Task KeepAliveAsync()
        {
            var interval = _options.KeepAliveInterval;
            try
            {
                while (true)
                {
                    var idle = TimeSpan.FromMilliseconds(Environment.TickCount64 - Volatile.Read(ref _lastSentAt));
                    if (idle < interval) await Task.Delay(interval - idle, _life.Token);
                    else await SendAsync(KeepAliveMessage, WebSocketMessageType.Text, _life.Token);
                }
            }
            catch (OperationCanceledException) when (_life.IsCancellationRequested)
            {
            }
            catch (ProviderException)
            {
                // The failure is already recorded; sends and Finalize report it.
            }
        }

        private void ThrowIfFailed()
        {
            if (_failure is { } reason) throw new ProviderException(ProviderName, reason, _failureCause);
        }

        private ProviderException Fail(string reason, Exception? cause)
        {
            List<TaskCompletionSource<SttResult>> waiters;
            bool first;
            lock (_gate)
            {
                first = _failure is null;
                if (first)
                {
                    _failure = reason;
                    _failureCause = cause;
                }
                waiters = [.. _waiters];
                _waiters.Clear();
            }
            var error = new ProviderException(ProviderName, _failure!, _failureCause);
            if (first && !_closing) LogFailed(_log, _failure!, _failureCause);
            foreach (var w in waiters) w.TrySetException(error);
            _interims.Writer.TryComplete(_closing ? null : error);
            return error;
        }

        public async ValueTask DisposeAsync()
        {
            if (Interlocked.Exchange(ref _disposed, 1) == 1) return;
            _closing = true;
            if (_failure is null && _socket.State == WebSocketState.Open)
            {
                try
                {
                    // CloseStream lets Deepgram flush, send its Metadata and close the socket itself.
                    await SendAsync(CloseStreamMessage, WebSocketMessageType.Text, CancellationToken.None);
                    await _receiving.WaitAsync(CloseTimeout);
                }
                catch (Exception e) when (e is ProviderException or TimeoutException)
                {
                }
            }
            await _life.CancelAsync();
            if (_socket.State != WebSocketState.Closed) _socket.Abort();
            await Task.WhenAll(_receiving, _keepingAlive).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            Fail("the session was closed", null);
            _socket.Dispose();
        }
    }
}
