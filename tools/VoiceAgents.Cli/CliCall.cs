using System.Globalization;
using System.Net.WebSockets;
using System.Text.Json;
using VoiceAgents.Client;

namespace VoiceAgents.Cli;

/// <summary>
/// One call over /ws as a phone caller makes it: audio goes out in real time in 20 ms frames from the moment the
/// call is ready until it hangs up (silence between the words, because turn ends are measured on the stream), and
/// events and reply audio come back on the client's receive loop.
/// </summary>
internal sealed class CliCall : IAsyncDisposable
{
    // voice-host's close codes for a refused login or token, and for an agent not in the tenant (docs/voice-protocol.md).
    private const int Unauthorized = 4401;
    private const int Forbidden = 4403;

    private static readonly TimeSpan LeadIn = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan ReadyTimeout = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan EndTimeout = TimeSpan.FromSeconds(10);

    private readonly CallOptions _options;
    private readonly TextWriter _output;
    private readonly TextWriter _error;
    private readonly VoiceCallClient _client;
    private readonly Lock _gate = new();
    private readonly MemoryStream _reply = new();
    private AudioPacer? _pacer;
    private bool _botSpeaking;
    private bool _replyPending;
    private TimeSpan _botStoppedAt;
    private string? _fatal;

    public CliCall(CallOptions options, TextWriter output, TextWriter error)
    {
        (_options, _output, _error) = (options, output, error);
        _client = new VoiceCallClient
        {
            OnEvent = OnEvent,
            OnAudio = (pcm, _) =>
            {
                lock (_gate) _reply.Write(pcm.Span);
            },
            OnUnreadable = text =>
            {
                lock (_error) _error.WriteLine($"call: voice-host sent text that is not JSON: {text}");
            },
        };
    }

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
        deadline.CancelAfter(_options.Timeout);
        await ConnectAsync(deadline.Token);
        var ready = await AuthenticateAsync(token, rate, deadline.Token);
        OutputSampleRate = ready.OutputSampleRate;
        Print($"call {ready.CallId}: connected to agent {_options.AgentId}; sending {samples.Length / (double)rate:F2} s at {rate} Hz");

        var pacer = _pacer = new AudioPacer(rate);
        var silence = new short[pacer.FrameSamples];
        var timedOut = false;
        try
        {
            // A greeting (the agent's first message) plays before the caller speaks, as on a real call.
            await StreamSilenceUntilAsync(silence, pacer, () => pacer.Elapsed >= LeadIn && !BotSpeaking, deadline.Token);
            await _client.StreamAsync(samples, pacer, deadline.Token);
            var spokeUntil = pacer.Elapsed;
            await StreamSilenceUntilAsync(silence, pacer, () => Quiet && pacer.Elapsed - Later(spokeUntil, BotStoppedAt) >= _options.SilenceAfter, deadline.Token);
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
            await _client.ConnectAsync(_options.WebSocket, timeout.Token);
        }
        catch (Exception e) when (e is WebSocketException or HttpRequestException || e is OperationCanceledException && !ct.IsCancellationRequested)
        {
            throw new CliFailure(CallCommand.Failure, $"cannot connect to voice-host at {_options.WebSocket}: {e.Message}");
        }
    }

    private async Task<VoiceCallReady> AuthenticateAsync(string token, int rate, CancellationToken ct)
    {
        await _client.SendAuthAsync(token, _options.AgentId, rate, ct: ct);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(ReadyTimeout);
        try
        {
            return await _client.WaitReadyAsync(timeout.Token);
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            throw new CliFailure(CallCommand.Failure, $"voice-host sent no 'ready' within {ReadyTimeout.TotalSeconds} s");
        }
        catch (VoiceCallClosedException e) when (e.CloseStatus is { } status)
        {
            throw Refused((int)status, e.CloseReason);
        }
        catch (VoiceCallClosedException e)
        {
            throw new CliFailure(CallCommand.Failure, e.Lost is null ? $"voice-host sent no 'ready' within {ReadyTimeout.TotalSeconds} s" : $"connection lost: {e.Lost}");
        }
    }

    private CliFailure Refused(int code, string? reason) => code switch
    {
        Unauthorized => new CliFailure(CallCommand.AuthRefused, $"voice-host refused the call ({code}): {reason}"),
        Forbidden => new CliFailure(CallCommand.AgentNotFound, $"agent {_options.AgentId} is not found for this login ({code}): {reason}"),
        _ => new CliFailure(CallCommand.Failure, $"voice-host closed the call ({code}): {reason}"),
    };

    private int Outcome(bool timedOut)
    {
        if (_client.CloseStatus is { } status && status != WebSocketCloseStatus.NormalClosure)
        {
            var f = Refused((int)status, _client.CloseReason);
            _error.WriteLine($"call: {f.Message}");
            return f.ExitCode;
        }
        if (_fatal is not null)
        {
            _error.WriteLine($"call: the call failed: {_fatal}");
            return CallCommand.Failure;
        }
        if (_client.EndReason is null && _client.Lost is not null)
        {
            _error.WriteLine($"call: connection lost: {_client.Lost}");
            return CallCommand.Failure;
        }
        if (timedOut)
        {
            _error.WriteLine($"call: the call did not finish within {_options.Timeout.TotalSeconds} s (--timeout)");
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

    private async Task StreamSilenceUntilAsync(short[] silence, AudioPacer pacer, Func<bool> done, CancellationToken ct)
    {
        while (_client.State == WebSocketState.Open && !done())
        {
            await _client.StreamAsync(silence, pacer, ct);
        }
    }

    private async Task HangUpAsync()
    {
        using var timeout = new CancellationTokenSource(EndTimeout);
        try
        {
            // The server answers with an 'end' event and closes.
            await _client.EndAsync("caller hung up", timeout.Token);
        }
        catch (Exception e) when (e is WebSocketException or OperationCanceledException or TimeoutException)
        {
        }
    }

    private void OnEvent(string type, JsonElement e, long receivedAt)
    {
        switch (type)
        {
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
                StoppedSpeaking();
                break;
            case "interruption":
                StoppedSpeaking();
                Print("(the agent was interrupted)");
                break;
            case "error":
                var message = Text(e, "message");
                if (e.TryGetProperty("fatal", out var fatal) && fatal.ValueKind == JsonValueKind.True) _fatal = message;
                lock (_error) _error.WriteLine($"call: voice-host reports: {message}");
                break;
            case "end":
                Print($"call ended: {Text(e, "reason")}");
                break;
        }
    }

    private void StoppedSpeaking()
    {
        lock (_gate)
        {
            _botSpeaking = false;
            _botStoppedAt = _pacer?.Elapsed ?? TimeSpan.Zero;
        }
    }

    private static string? Text(JsonElement e, string name) => VoiceCallClient.Text(e, name);

    private static string Number(JsonElement e, string name) =>
        e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.Number ? v.GetDouble().ToString("0.#", CultureInfo.InvariantCulture) : "-";

    private void Print(string line)
    {
        lock (_output) _output.WriteLine(line);
    }

    public async ValueTask DisposeAsync()
    {
        await _client.DisposeAsync();
        await _reply.DisposeAsync();
    }
}
