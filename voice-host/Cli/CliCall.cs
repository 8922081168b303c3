using System.Diagnostics;
using System.Globalization;
using System.Net.WebSockets;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json;
using VoiceAgents.Core.Json;
using VoiceAgents.VoiceHost.Transport;

namespace VoiceAgents.VoiceHost.Cli;

/// <summary>
/// One call over /ws as a phone caller makes it: audio goes out in real time in 20 ms frames from the moment the
/// call is ready until it hangs up (silence between the words, because turn ends are measured on the stream), and
/// events and reply audio come back on a receive loop.
/// </summary>
internal sealed class CliCall(CallOptions options, TextWriter output, TextWriter error) : IAsyncDisposable
{
    private static readonly TimeSpan LeadIn = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan ReadyTimeout = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan EndTimeout = TimeSpan.FromSeconds(10);

    private readonly ClientWebSocket _socket = new();
    private readonly Stopwatch _clock = new();
    private readonly Lock _gate = new();
    private readonly MemoryStream _reply = new();
    private readonly TaskCompletionSource<(string CallId, int Rate)> _ready = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly CancellationTokenSource _stop = new();
    private Task _receiving = Task.CompletedTask;
    private bool _botSpeaking;
    private bool _replyPending;
    private TimeSpan _botStoppedAt;
    private string? _endReason;
    private string? _fatal;
    private string? _lost;
    private long _sentSamples;

    public int OutputSampleRate { get; private set; } = 16000;

    public byte[] ReplyAudio
    {
        get
        {
            lock (_gate) return _reply.ToArray();
        }
    }

    public async Task<int> RunAsync(string token, short[] samples, int rate, CancellationToken ct)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(ct);
        deadline.CancelAfter(options.Timeout);
        await ConnectAsync(deadline.Token);
        _receiving = Task.Run(() => ReceiveAsync(_stop.Token), CancellationToken.None);

        await SendJsonAsync(new { type = "auth", token, agent_id = options.AgentId, sample_rate = rate }, deadline.Token);
        var (callId, outputRate) = await WaitReadyAsync(deadline.Token);
        OutputSampleRate = outputRate;
        Print($"call {callId}: connected to agent {options.AgentId}; sending {samples.Length / (double)rate:F2} s at {rate} Hz");

        _clock.Start();
        var silence = new short[rate / 50];
        var timedOut = false;
        try
        {
            // A greeting (the agent's first message) plays before the caller speaks, as on a real call.
            await StreamSilenceUntilAsync(silence, rate, () => _clock.Elapsed >= LeadIn && !BotSpeaking, deadline.Token);
            await StreamAsync(samples, rate, deadline.Token);
            var spokeUntil = _clock.Elapsed;
            await StreamSilenceUntilAsync(silence, rate, () => Quiet && _clock.Elapsed - Later(spokeUntil, BotStoppedAt) >= options.SilenceAfter, deadline.Token);
        }
        catch (OperationCanceledException) when (deadline.IsCancellationRequested && !ct.IsCancellationRequested)
        {
            timedOut = true;
        }
        catch (WebSocketException)
        {
            // The server went away mid-stream; the receive loop says how.
        }

        await HangUpAsync();
        ct.ThrowIfCancellationRequested();
        return Outcome(timedOut);
    }

    private async Task ConnectAsync(CancellationToken ct)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(ReadyTimeout);
        try
        {
            await _socket.ConnectAsync(options.WebSocket, timeout.Token);
        }
        catch (Exception e) when (e is WebSocketException or HttpRequestException || e is OperationCanceledException && !ct.IsCancellationRequested)
        {
            throw new CliFailure(CallCommand.Failure, $"cannot connect to voice-host at {options.WebSocket}: {e.Message}");
        }
    }

    private async Task<(string, int)> WaitReadyAsync(CancellationToken ct)
    {
        var waited = await Task.WhenAny(_ready.Task, _receiving, Task.Delay(ReadyTimeout, ct));
        if (waited == _ready.Task) return await _ready.Task;
        ct.ThrowIfCancellationRequested();
        if (_socket.CloseStatus is { } status) throw Refused((int)status, _socket.CloseStatusDescription);
        throw new CliFailure(CallCommand.Failure, _lost is null ? $"voice-host sent no 'ready' within {ReadyTimeout.TotalSeconds} s" : $"connection lost: {_lost}");
    }

    private CliFailure Refused(int code, string? reason) => code switch
    {
        CloseCodes.Unauthorized => new CliFailure(CallCommand.AuthRefused, $"voice-host refused the call ({code}): {reason}"),
        CloseCodes.Forbidden => new CliFailure(CallCommand.AgentNotFound, $"agent {options.AgentId} is not found for this login ({code}): {reason}"),
        _ => new CliFailure(CallCommand.Failure, $"voice-host closed the call ({code}): {reason}"),
    };

    private int Outcome(bool timedOut)
    {
        if (_socket.CloseStatus is { } status && (int)status != CloseCodes.Normal)
        {
            var f = Refused((int)status, _socket.CloseStatusDescription);
            error.WriteLine($"call: {f.Message}");
            return f.ExitCode;
        }
        if (_fatal is not null)
        {
            error.WriteLine($"call: the call failed: {_fatal}");
            return CallCommand.Failure;
        }
        if (_endReason is null && _lost is not null)
        {
            error.WriteLine($"call: connection lost: {_lost}");
            return CallCommand.Failure;
        }
        if (timedOut)
        {
            error.WriteLine($"call: the call did not finish within {options.Timeout.TotalSeconds} s (--timeout)");
            return CallCommand.Failure;
        }
        return CallCommand.Success;
    }

    private bool BotSpeaking
    {
        get
        {
            lock (_gate) return _botSpeaking;
        }
    }

    /// <summary>The bot is not speaking and owes no reply to a transcript it has heard.</summary>
    private bool Quiet
    {
        get
        {
            lock (_gate) return !_botSpeaking && !_replyPending;
        }
    }

    private TimeSpan BotStoppedAt
    {
        get
        {
            lock (_gate) return _botStoppedAt;
        }
    }

    private static TimeSpan Later(TimeSpan a, TimeSpan b) => a > b ? a : b;

    private async Task StreamAsync(short[] samples, int rate, CancellationToken ct)
    {
        var frame = rate / 50;
        for (var i = 0; i < samples.Length && _socket.State == WebSocketState.Open; i += frame)
        {
            await SendFrameAsync(samples.AsMemory(i, Math.Min(frame, samples.Length - i)), rate, ct);
        }
    }

    private async Task StreamSilenceUntilAsync(short[] silence, int rate, Func<bool> done, CancellationToken ct)
    {
        while (_socket.State == WebSocketState.Open && !done())
        {
            await SendFrameAsync(silence, rate, ct);
        }
    }

    /// <summary>Sends a frame, then waits until real time has caught up with the audio sent so far.</summary>
    private async Task SendFrameAsync(ReadOnlyMemory<short> frame, int rate, CancellationToken ct)
    {
        await _socket.SendAsync(MemoryMarshal.AsBytes(frame.Span).ToArray(), WebSocketMessageType.Binary, true, ct);
        _sentSamples += frame.Length;
        var due = TimeSpan.FromSeconds((double)_sentSamples / rate) - _clock.Elapsed;
        if (due > TimeSpan.Zero) await Task.Delay(due, ct);
    }

    private async Task HangUpAsync()
    {
        using var timeout = new CancellationTokenSource(EndTimeout);
        try
        {
            if (_socket.State == WebSocketState.Open)
            {
                await SendJsonAsync(new { type = "end" }, timeout.Token);
            }
            // The server answers with an 'end' event and closes; the receive loop sees the close.
            await _receiving.WaitAsync(timeout.Token);
        }
        catch (Exception e) when (e is WebSocketException or OperationCanceledException or TimeoutException)
        {
        }
        if (_socket.State is WebSocketState.Open or WebSocketState.CloseReceived)
        {
            try
            {
                using var close = new CancellationTokenSource(TimeSpan.FromSeconds(2));
                await _socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, "caller hung up", close.Token);
            }
            catch (Exception e) when (e is WebSocketException or OperationCanceledException)
            {
            }
        }
    }

    private Task SendJsonAsync(object message, CancellationToken ct) =>
        _socket.SendAsync(JsonSerializer.SerializeToUtf8Bytes(message, JsonDefaults.Options), WebSocketMessageType.Text, true, ct);

    private async Task ReceiveAsync(CancellationToken ct)
    {
        var buffer = new byte[64 * 1024];
        try
        {
            while (_socket.State is WebSocketState.Open or WebSocketState.CloseSent)
            {
                var length = 0;
                ValueWebSocketReceiveResult result;
                do
                {
                    if (length == buffer.Length) Array.Resize(ref buffer, buffer.Length * 2);
                    result = await _socket.ReceiveAsync(buffer.AsMemory(length), ct);
                    length += result.Count;
                }
                while (!result.EndOfMessage);
                if (result.MessageType == WebSocketMessageType.Close) break;
                if (result.MessageType == WebSocketMessageType.Binary)
                {
                    lock (_gate) _reply.Write(buffer, 0, length);
                }
                else
                {
                    OnEvent(buffer.AsSpan(0, length));
                }
            }
        }
        catch (Exception e) when (e is WebSocketException or OperationCanceledException)
        {
            if (!ct.IsCancellationRequested) _lost = e.Message;
        }
    }

    private void OnEvent(ReadOnlySpan<byte> json)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(json.ToArray());
        }
        catch (JsonException)
        {
            error.WriteLine($"call: voice-host sent text that is not JSON: {Encoding.UTF8.GetString(json)}");
            return;
        }
        using (document)
        {
            var e = document.RootElement;
            switch (Text(e, "type"))
            {
                case "ready":
                    _ready.TrySetResult((Text(e, "call_id") ?? "?", e.TryGetProperty("output_sample_rate", out var r) && r.TryGetInt32(out var rate) ? rate : 16000));
                    break;
                case "transcript" when e.TryGetProperty("final", out var final) && final.ValueKind == JsonValueKind.True:
                    if (Text(e, "role") == "user")
                    {
                        lock (_gate) _replyPending = true;
                    }
                    Print($"{Text(e, "role")}: {Text(e, "text")}");
                    break;
                case "metrics":
                    Print($"metrics, turn {Number(e, "turn")}: voice-to-voice {Number(e, "voice_to_voice_ms")} ms " +
                          $"(STT {Number(e, "stt_ms")} ms, LLM first token {Number(e, "llm_ttft_ms")} ms, TTS first byte {Number(e, "tts_ttfb_ms")} ms)");
                    break;
                case "bot_started_speaking":
                    lock (_gate) (_botSpeaking, _replyPending) = (true, false);
                    break;
                case "bot_stopped_speaking":
                    lock (_gate)
                    {
                        _botSpeaking = false;
                        _botStoppedAt = _clock.Elapsed;
                    }
                    break;
                case "interruption":
                    lock (_gate)
                    {
                        _botSpeaking = false;
                        _botStoppedAt = _clock.Elapsed;
                    }
                    Print("(the agent was interrupted)");
                    break;
                case "error":
                    var message = Text(e, "message");
                    if (e.TryGetProperty("fatal", out var fatal) && fatal.ValueKind == JsonValueKind.True) _fatal = message;
                    lock (error) error.WriteLine($"call: voice-host reports: {message}");
                    break;
                case "end":
                    _endReason = Text(e, "reason");
                    Print($"call ended: {_endReason}");
                    break;
            }
        }
    }

    private static string? Text(JsonElement e, string name) =>
        e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;

    private static string Number(JsonElement e, string name) =>
        e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.Number ? v.GetDouble().ToString("0.#", CultureInfo.InvariantCulture) : "-";

    private void Print(string line)
    {
        lock (output) output.WriteLine(line);
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await _receiving.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        _socket.Dispose();
        _stop.Dispose();
        await _reply.DisposeAsync();
    }
}
