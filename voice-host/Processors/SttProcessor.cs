using Microsoft.Extensions.Logging;
using VoiceAgents.VoiceHost.Pipeline.Frames;
using VoiceAgents.VoiceHost.Pipeline;
using VoiceAgents.VoiceHost.Providers;
using VoiceAgents.VoiceHost.Transport;

namespace VoiceAgents.VoiceHost.Processors;

/// <summary>
/// Speech-to-text. Audio of a user turn (plus a second of pre-roll, since the VAD reports speech only after it has
/// lasted a while) goes to the STT session; when the turn ends the session is finalized and its transcript goes
/// downstream. Each pause in the turn is told to the session first (<see cref="ISttSession.SpeechPaused()"/>), so it
/// can begin on the transcript while the turn's end is still being waited for. An agent whose turns end adaptively (early,
/// to answer sooner) takes the transcript the session has soonest (<see cref="ISttSession.FinalizeQuicklyAsync"/>). A session that fails is reconnected,
/// so the call goes on. A caller who hangs up mid-turn still has their last words transcribed: the call's end
/// finalizes the open turn, and the processor stops only once that (and any finalize still running) is done, or
/// <see cref="LastWordsAllowance"/> has passed.
/// </summary>
/// <param name="serving">Which vendor hears the audio now (the agent's STT, or its fallback once that took over), for usage.</param>
public sealed class SttProcessor(CallContext call, Func<CancellationToken, ValueTask<ISttSession>> connect, Func<string>? serving = null) : FrameProcessor(call.Log)
{
    // A second: Silero confirms a soft onset ("What time...", "I would like...") up to ~850 ms after the speech began
    // (its probability climbs over several windows before VadStartSeconds of them pass the threshold), so half a
    // second cut the first words of one turn in three on bench/Offline's sentences, and 8 kHz /twilio calls read
    // worse than the raw engine on the same audio (34 % WER against 27 %; 22 % with this).
    private const int PreRollSamples = ResamplerProcessor.PipelineRate;
    private readonly bool _quick = call.Agent.Turn?.IsAdaptive == true;
    // A fixed turn ends this long after the VAD's stop (which comes VadStopSeconds into the silence) unless the caller
    // speaks again: the time a provider has to make its transcript ready for the turn's end.
    private readonly TimeSpan _afterStop = TurnEndPolicy.FixedWait(call.Agent, call.Options) - TimeSpan.FromSeconds(call.Options.VadStopSeconds);

    /// <summary>How long a call's end waits for the transcript of words still being recognised.</summary>
    public static readonly TimeSpan LastWordsAllowance = TimeSpan.FromSeconds(3);

    // Finalizing outlives the hang-up (see above): cancelled only once the allowance has passed after the stop.
    private readonly CancellationTokenSource _finalizing = new();
    private Task _lastFinalize = Task.CompletedTask;
    private readonly short[] _preRoll = new short[PreRollSamples];
    private int _preRollStart;
    private int _preRollLength;
    private ISttSession? _session;
    private Task _interims = Task.CompletedTask;
    private bool _inTurn;
    private bool _unavailable;
    private DateTimeOffset _turnStartedAt;
    private CancellationToken _callToken;
    // Samples sent to the current session, the end of the turn's latest speech among them (null while the caller
    // speaks), and the latest interim: the interim reader (another task) compares them to say what an interim heard.
    private long _sent;
    private volatile SpeechEnd? _speechEnd;
    private volatile SttResult? _lastInterim;
    private int _turns;

    /// <summary>Where the caller's latest speech ended, in the session's samples, and the VAD's time for it.</summary>
    private sealed record SpeechEnd(long Sample, DateTimeOffset At);

    protected override async ValueTask ProcessFrameAsync(Frame frame, FrameDirection direction, CancellationToken ct)
    {
        switch (frame)
        {
            case StartFrame:
                _callToken = ct;
                await base.ProcessFrameAsync(frame, direction, ct);
                try
                {
                    await EnsureSessionAsync(ct);
                }
                catch (ProviderUnavailableException e)
                {
                    _unavailable = true;
                    Apology.Say(call, e, Push);
                }
                return;
            case InputAudioFrame when _unavailable:
                return;
            case InputAudioFrame { Audio: var audio } when direction == FrameDirection.Downstream:
                if (_inTurn) await SendAsync(audio.Samples, ct);
                else Remember(audio.Samples.Span);
                return; // audio stops here: nothing downstream needs it
            case VadSpeechStoppedFrame stopped when _inTurn:
                // The VAD reports a stop after VadStopSeconds of silence: the speech ended that much audio ago.
                var end = new SpeechEnd(Interlocked.Read(ref _sent) - (long)(call.Options.VadStopSeconds * ResamplerProcessor.PipelineRate), stopped.At);
                _speechEnd = end;
                // A pause may end the turn: the STT can begin on its transcript while the turn's end waits to be sure.
                // A fixed turn says when it will end; an adaptive one may end sooner or later than that.
                if (_quick) _session?.SpeechPaused();
                else _session?.SpeechPaused(_afterStop);
                if (_lastInterim is { HeardUntil: { } heard } last && Covers(heard, end)) Push(new InterimTranscriptionFrame(last.Text, true, end.At), FrameDirection.Upstream);
                break;
            case VadSpeechStartedFrame when _inTurn:
                _speechEnd = null;
                _session?.SpeechResumed();
                break;
            case UserStartedSpeakingFrame started:
                _inTurn = true;
                _speechEnd = null;
                _lastInterim = null;
                Interlocked.Increment(ref _turns);
                _turnStartedAt = started.At - TimeSpan.FromSeconds(call.Options.VadStartSeconds);
                await SendAsync(TakePreRoll(), ct);
                break;
            case UserStoppedSpeakingFrame stopped:
                _inTurn = false;
                _speechEnd = null;
                // Finalizing takes a while (a decode, a vendor round trip); the system lane must not wait for it.
                StartFinalize(stopped.SpeechEndedAt);
                break;
            case CancelFrame when _inTurn && !_unavailable:
                // The caller hung up (or the call ended) mid-turn: what they said is still part of the call.
                _inTurn = false;
                StartFinalize(call.Time.GetUtcNow());
                break;
        }
        await base.ProcessFrameAsync(frame, direction, ct);
    }

    private void StartFinalize(DateTimeOffset endedAt)
    {
        var session = _session;
        var startedAt = _turnStartedAt;
        var previous = _lastFinalize;
        // In turn order, so a turn's transcript never lands before the one before it.
        _lastFinalize = Task.Run(async () =>
        {
            await previous.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            await FinalizeAsync(session, startedAt, endedAt, _finalizing.Token);
        }, CancellationToken.None);
    }

    private async Task FinalizeAsync(ISttSession? session, DateTimeOffset startedAt, DateTimeOffset endedAt, CancellationToken ct)
    {
        try
        {
            session ??= await EnsureSessionAsync(ct);
            var result = _quick ? await session.FinalizeQuicklyAsync(ct) : await session.FinalizeAsync(ct);
            call.Turns.SttDone();
            if (!string.IsNullOrWhiteSpace(result.Text))
            {
                call.AddTranscript("user", result.Text, startedAt, endedAt);
                Push(new TranscriptionFrame(result.Text, call.Time.GetUtcNow()));
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
        }
        catch (Exception e)
        {
            call.Log.LogWarning(e, "STT finalize failed for call {CallId}", call.CallId);
            await ResetSessionAsync();
        }
    }

    private async Task SendAsync(ReadOnlyMemory<short> samples, CancellationToken ct)
    {
        if (samples.Length == 0) return;
        try
        {
            var session = await EnsureSessionAsync(ct);
            await session.SendAudioAsync(samples, ct);
            Interlocked.Add(ref _sent, samples.Length);
            call.Usage.SttAudio(serving?.Invoke() ?? call.Agent.Stt.Provider, TimeSpan.FromSeconds((double)samples.Length / ResamplerProcessor.PipelineRate));
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            call.Log.LogWarning(e, "STT connection lost in call {CallId}; reconnecting", call.CallId);
            await ResetSessionAsync();
        }
    }

    private async ValueTask<ISttSession> EnsureSessionAsync(CancellationToken ct)
    {
        if (_session is { } s) return s;
        s = await connect(ct);
        _session = s;
        Interlocked.Exchange(ref _sent, 0);
        _interims = Task.Run(() => ReadInterimsAsync(s, _callToken), CancellationToken.None);
        return s;
    }

    private async Task ReadInterimsAsync(ISttSession session, CancellationToken ct)
    {
        try
        {
            var shown = (Text: "", Turn: -1);
            await foreach (var r in session.InterimResultsAsync(ct))
            {
                if (r.IsFinal || r.Text.Length == 0) continue;
                _lastInterim = r;
                var end = _speechEnd;
                bool? heard = r.HeardUntil is not { } until ? null : end is not null && Covers(until, end);
                // Upstream to the turn's end (TurnProcessor), every time: how much the STT has heard matters there.
                Push(new InterimTranscriptionFrame(r.Text, heard, end?.At), FrameDirection.Upstream);
                // Downstream to the caller and the interruption stage, only when it says something new.
                var turn = Volatile.Read(ref _turns);
                if (shown == (r.Text, turn)) continue;
                shown = (r.Text, turn);
                Push(new InterimTranscriptionFrame(r.Text, heard, end?.At));
            }
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            call.Log.LogDebug(e, "STT interim stream ended");
        }
    }

    private static bool Covers(TimeSpan heard, SpeechEnd end) => (long)Math.Round(heard.TotalSeconds * ResamplerProcessor.PipelineRate) >= end.Sample;

    private async Task ResetSessionAsync()
    {
        var old = Interlocked.Exchange(ref _session, null);
        if (old is not null) await old.DisposeAsync();
    }

    private void Remember(ReadOnlySpan<short> samples)
    {
        foreach (var s in samples)
        {
            var index = (_preRollStart + _preRollLength) % PreRollSamples;
            _preRoll[index] = s;
            if (_preRollLength < PreRollSamples) _preRollLength++;
            else _preRollStart = (_preRollStart + 1) % PreRollSamples;
        }
    }

    private short[] TakePreRoll()
    {
        var result = new short[_preRollLength];
        for (var i = 0; i < _preRollLength; i++) result[i] = _preRoll[(_preRollStart + i) % PreRollSamples];
        _preRollStart = _preRollLength = 0;
        return result;
    }

    protected override async ValueTask OnStoppedAsync()
    {
        _finalizing.CancelAfter(LastWordsAllowance);
        // A session that does not heed the cancel (a local decode under way) is not waited for much longer.
        await _lastFinalize.WaitAsync(LastWordsAllowance + TimeSpan.FromSeconds(1)).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        await ResetSessionAsync();
        await _interims.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
    }
}
