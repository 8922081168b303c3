using System.Diagnostics;
using System.Net.WebSockets;
using System.Text.Json;
using VoiceAgents.Client;

namespace VoiceAgents.Bench.Voice.Load;

/// <summary>
/// One simulated phone caller. Audio goes out like a phone line's: a 20 ms frame at the end of every 20 ms, silence
/// included, for as long as the call lasts (the shared <see cref="LoadGenerator"/> clock sends it). The caller
/// listens to the greeting, pauses, says its sentence, waits for the whole reply, pauses and says it again; after
/// <see cref="LoadGenerator.TurnsPerCall"/> turns it hangs up and dials again.
/// </summary>
public sealed class Caller(LoadGenerator load, int id)
{
    private static readonly TimeSpan GreetingTimeout = TimeSpan.FromSeconds(5);
    private static readonly TimeSpan ReplyTimeout = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan ReplyEndTimeout = TimeSpan.FromSeconds(30);

    private enum State
    {
        Idle,
        Listening,
        Pausing,
        Speaking,
        Waiting,
        HangingUp,
    }

    private readonly Lock _gate = new();
    private readonly Random _random = new(id * 7919 + 17);
    private VoiceCallClient? _client;
    private TaskCompletionSource _callDone = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _sending;
    private State _state;
    private long _streamStart;
    private long _framesSent;
    private long _deadline;
    private int _speechFrame;
    private long _speechEndAt;
    private int _turnsDone;
    private bool _firstTurn;

    // The turn being waited for.
    private PhaseData? _turnPhase;
    private bool _replyStarted;
    private double? _clientV2v;
    private double? _v2v, _stt, _llm, _tts;

    // The reply audio being played.
    private bool _botSpeaking;
    private bool _burstActive;
    private PhaseData? _burstPhase;
    private long _burstStart;
    private long _burstPlayStart;
    private long _burstSamples;
    private int _burstUnderruns;
    private double _burstMaxLate;

    public async Task RunAsync(CancellationToken stop)
    {
        // Spread the dialling of a step's new callers.
        await Task.Delay(TimeSpan.FromMilliseconds(_random.Next(0, 1000)), stop).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        while (!stop.IsCancellationRequested)
        {
            try
            {
                await CallAsync(stop);
            }
            catch (Exception e) when (!stop.IsCancellationRequested)
            {
                load.Phase.Fail($"caller {id}: {e.GetType().Name}: {e.Message}");
                await Task.Delay(TimeSpan.FromSeconds(1), stop).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            }
            catch (Exception) when (stop.IsCancellationRequested)
            {
            }
            if (!stop.IsCancellationRequested)
            {
                await Task.Delay(TimeSpan.FromMilliseconds(_random.Next(200, 1000)), stop).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            }
        }
    }

    private async Task CallAsync(CancellationToken stop)
    {
        lock (_gate)
        {
            // Before dialling: the client receives from the connect on, and the greeting may start right after ready.
            _state = State.Idle;
            _botSpeaking = _burstActive = false;
        }
        await using var client = new VoiceCallClient { OnEvent = OnEvent, OnAudio = OnAudio };
        var setupStarted = Stopwatch.GetTimestamp();
        using (var connect = CancellationTokenSource.CreateLinkedTokenSource(stop))
        {
            connect.CancelAfter(TimeSpan.FromSeconds(15));
            await client.ConnectAsync(load.Uri, connect.Token);
            try
            {
                await client.AuthenticateAsync(load.Token(), load.AgentId, load.Rate, phoneNumber: "+14155550100", ct: connect.Token);
            }
            catch (VoiceCallClosedException e)
            {
                throw new InvalidOperationException($"no ready: {e.Message}");
            }
        }
        load.Phase.Setup(Stopwatch.GetElapsedTime(setupStarted).TotalMilliseconds);

        lock (_gate)
        {
            _callDone = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            _client = client;
            _streamStart = Stopwatch.GetTimestamp();
            _framesSent = 0;
            _turnsDone = 0;
            _firstTurn = true;
            _state = State.Listening;
            _deadline = _streamStart + Ticks(GreetingTimeout);
        }
        using (stop.Register(() => HangUp()))
        {
            await Task.WhenAny(_callDone.Task, client.Closed);
        }
        lock (_gate)
        {
            _state = State.HangingUp;
            _client = null;
        }
        // Let a frame in flight finish before the socket is used for the goodbye.
        while (Volatile.Read(ref _sending) != 0) await Task.Delay(1, CancellationToken.None);
        if (client.State == WebSocketState.Open)
        {
            using var bye = new CancellationTokenSource(TimeSpan.FromSeconds(5));
            try
            {
                await client.EndAsync("bye", bye.Token);
                Interlocked.Increment(ref load.Phase.CallsCompleted);
            }
            catch (Exception e) when (e is WebSocketException or OperationCanceledException)
            {
                load.Phase.Fail($"caller {id}: hang-up: {e.Message}");
            }
        }
        else if (!stop.IsCancellationRequested)
        {
            load.Phase.Fail($"caller {id}: the server ended the call: {client.CloseStatus} {client.CloseReason}");
        }
    }

    private void HangUp()
    {
        lock (_gate) _state = State.HangingUp;
        _callDone.TrySetResult();
    }

    private static long Ticks(TimeSpan t) => (long)(t.TotalSeconds * Stopwatch.Frequency);

    private static double Ms(long ticks) => ticks * 1000.0 / Stopwatch.Frequency;

    /// <summary>Called by the shared clock: sends the frames whose 20 ms have passed.</summary>
    public void Pump(long now)
    {
        if (Volatile.Read(ref _sending) != 0) return;
        VoiceCallClient? client;
        lock (_gate)
        {
            client = _client;
            if (client is null || _state is State.Idle or State.HangingUp) return;
            if (Due(now) <= 0) return;
        }
        Volatile.Write(ref _sending, 1);
        _ = SendDueAsync(client);
    }

    private long Due(long now) => (now - _streamStart) / load.FrameTicks - _framesSent;

    private async Task SendDueAsync(VoiceCallClient client)
    {
        try
        {
            while (true)
            {
                ReadOnlyMemory<byte> frame;
                var now = Stopwatch.GetTimestamp();
                lock (_gate)
                {
                    if (_client != client || _state is State.HangingUp || Due(now) <= 0) return;
                    // A frame is due at the end of its 20 ms, as a microphone delivers it.
                    load.Phase.SendLag.Add(Ms(now - _streamStart - (_framesSent + 1) * load.FrameTicks));
                    frame = NextFrame(now);
                    _framesSent++;
                }
                await client.SendAudioAsync(frame, CancellationToken.None);
            }
        }
        catch (Exception e) when (e is WebSocketException or ObjectDisposedException or OperationCanceledException)
        {
            _callDone.TrySetResult();
        }
        finally
        {
            Volatile.Write(ref _sending, 0);
        }
    }

    /// <summary>The next frame of the stream, moving the caller along its script. Under the lock.</summary>
    private ReadOnlyMemory<byte> NextFrame(long now)
    {
        switch (_state)
        {
            case State.Listening when !_botSpeaking && now >= _deadline:
                Pause(now);
                break;
            case State.Pausing when now >= _deadline:
                _state = State.Speaking;
                _speechFrame = 0;
                // The speech's last sample, on the stream's clock: where the caller really stopped talking.
                _speechEndAt = _streamStart + (long)((_framesSent * load.FrameSamples + load.SpeechEndSample) * (double)Stopwatch.Frequency / load.Rate);
                break;
            case State.Waiting when !_replyStarted && now - _speechEndAt > Ticks(ReplyTimeout):
            case State.Waiting when _replyStarted && now - _speechEndAt > Ticks(ReplyEndTimeout):
                FinishTurn(missed: true);
                break;
        }
        if (_state != State.Speaking) return load.Silence;
        var frame = load.Speech[_speechFrame++];
        if (_speechFrame == load.Speech.Length)
        {
            _state = State.Waiting;
            _turnPhase = load.Phase;
            _replyStarted = false;
            _clientV2v = _v2v = _stt = _llm = _tts = null;
            _deadline = long.MaxValue;
        }
        return frame;
    }

    private void Pause(long now)
    {
        _state = State.Pausing;
        // The first turn of a call waits a random while, so callers of a step do not speak in step.
        var ms = _firstTurn ? _random.Next(300, 300 + load.FirstTurnSpreadMs) : _random.Next(500, 1500);
        _firstTurn = false;
        _deadline = now + Ticks(TimeSpan.FromMilliseconds(ms));
    }

    private void FinishTurn(bool missed)
    {
        _turnPhase?.Add(new TurnRecord(_v2v, _stt, _llm, _tts, _clientV2v, missed));
        _turnPhase = null;
        _turnsDone++;
        if (_turnsDone >= load.TurnsPerCall)
        {
            _state = State.HangingUp;
            _callDone.TrySetResult();
            return;
        }
        Pause(Stopwatch.GetTimestamp());
    }

    private void OnAudio(ReadOnlyMemory<byte> pcm, long at)
    {
        var samples = pcm.Length / 2;
        lock (_gate)
        {
            var jitter = load.JitterTicks;
            if (!_burstActive)
            {
                _burstActive = true;
                _burstPhase = load.Phase;
                _burstStart = at;
                _burstPlayStart = at + jitter;
                _burstSamples = 0;
                _burstUnderruns = 0;
                _burstMaxLate = 0;
            }
            var offset = (long)(_burstSamples * (double)Stopwatch.Frequency / load.Rate);
            // The player started a jitter buffer after the first frame; a frame later than its slot is a gap.
            if (at > _burstPlayStart + offset)
            {
                _burstUnderruns++;
                _burstPlayStart = at + jitter - offset;
            }
            var late = Ms(at - _burstStart - offset);
            if (late > _burstMaxLate) _burstMaxLate = late;
            _burstPhase!.FrameLateness.Add(late);
            _burstSamples += samples;
            if (_state == State.Waiting && !_replyStarted)
            {
                _replyStarted = true;
                _clientV2v = Ms(at - _speechEndAt);
            }
        }
    }

    private void EndBurst()
    {
        if (!_burstActive) return;
        _burstActive = false;
        _burstPhase!.Add(new BurstRecord(_burstUnderruns, Math.Round(_burstMaxLate, 1), (double)_burstSamples / load.Rate));
    }

    private void OnEvent(string type, JsonElement e, long at)
    {
        lock (_gate)
        {
            switch (type)
            {
                case "bot_started_speaking":
                    _botSpeaking = true;
                    break;
                case "bot_stopped_speaking":
                    _botSpeaking = false;
                    EndBurst();
                    if (_state == State.Listening) Pause(at);
                    else if (_state == State.Waiting && _replyStarted) FinishTurn(missed: false);
                    break;
                case "interruption":
                    Interlocked.Increment(ref load.Phase.Interruptions);
                    _botSpeaking = false;
                    EndBurst();
                    break;
                case "metrics":
                    _v2v = Number(e, "voice_to_voice_ms");
                    _stt = Number(e, "stt_ms");
                    _llm = Number(e, "llm_ttft_ms");
                    _tts = Number(e, "tts_ttfb_ms");
                    break;
                case "error":
                    Interlocked.Increment(ref load.Phase.ErrorEvents);
                    load.Phase.Fail($"caller {id}: error event: {e.GetProperty("message").GetString()}");
                    break;
            }
        }
    }

    private static double? Number(JsonElement e, string name) =>
        e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.Number ? v.GetDouble() : null;
}
