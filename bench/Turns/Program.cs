using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;
using VoiceAgents.Bench.Turns;
using VoiceAgents.Core.Domain;
using VoiceAgents.VoiceHost.Providers;
using VoiceAgents.VoiceHost.Providers.Local;
using VoiceAgents.VoiceHost.Vad;

// Streaming PocketSphinx and the turn modes, in one run, on flite's kal16 voice at 16 kHz, paced in real time.
// 1. WER of the streamed decode (audio fed as it comes, interims on the way, with and without a second pass at the
//    end) against the whole-turn decode of the same audio (once the turn ended, or begun at the pause), and how long
//    each transcript takes after the turn's end.
// 2. Utterances with pauses inside them and complete sentences through the caller's side of the pipeline (Silero
//    VAD, turn detection, streaming STT), once per turn mode, one after the other: end of speech to the final transcript (the
//    reply starts from it; the LLM and TTS after it are the same in both modes), and the share of turns ended at an
//    inside pause. Results: bench/results/stt-streaming.{json,md} and bench/results/turn-modes.{json,md}.
var root = Repo.Root();
var results = Path.Combine(root, "bench", "results");
using var stt = new PocketSphinxStt(poolSize: 4, streamedFinal: true, streamedSecondPass: true);
// The same with no second pass at the utterance's end: only the audio still unprocessed is left at the turn's end.
using var streamedOnePass = new PocketSphinxStt(poolSize: 2, streamedFinal: true);
// voice-host's default: the whole turn's pass begun at the pause, the streamed decode giving only the interims. The
// turn modes run on it too.
using var served = new PocketSphinxStt(poolSize: 4);
// Today's whole-turn decode: the turn decoded once it ended (the same decoder settings, with the fwdflat second pass).
using var before = new PocketSphinxStt(poolSize: 1);
using var onePass = new PocketSphinxStt(poolSize: 1, secondPass: false);
var jsonOptions = new JsonSerializerOptions { WriteIndented = true, PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower };

// One turn through a session of the provider as the pipeline sends it, paced in real time: the speech and 300 ms of
// silence (the adaptive short wait), the pause told to the session 200 ms into it (the VAD's stop) when asked; the
// transcript, the time from the turn's end to it, and the interims on the way. A quick one is how an adaptive turn is
// finalized (ISttSession.FinalizeQuicklyAsync).
static async Task<(string Text, double Ms, int Interims)> TurnAsync(PocketSphinxStt provider, short[] speech, bool tellPause, bool quick = false)
{
    await using var session = await provider.ConnectAsync(new SttConfig(), CancellationToken.None);
    var interims = 0;
    var reading = Task.Run(async () => { await foreach (var _ in session.InterimResultsAsync(CancellationToken.None)) interims++; });
    Task SendAsync(short[] audio) => Speech.PaceAsync(audio, async chunk => await session.SendAudioAsync(chunk, CancellationToken.None), CancellationToken.None);
    await SendAsync([.. speech, .. new short[16000 * 2 / 10]]);
    if (tellPause) session.SpeechPaused();
    await SendAsync(new short[16000 / 10]);
    var started = Stopwatch.GetTimestamp();
    var text = (quick ? await session.FinalizeQuicklyAsync(CancellationToken.None) : await session.FinalizeAsync(CancellationToken.None)).Text;
    var ms = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
    await session.DisposeAsync();
    await reading;
    return (text, ms, interims);
}

// --- 1. WER, streaming vs whole-turn ---
var sttRows = new List<SttRow>();
foreach (var sentence in Sentences.Wer)
{
    var speech = await Speech.SayAsync(sentence);
    var started = Stopwatch.GetTimestamp();
    var whole = await before.DecodeAsync(speech, speech.Length, CancellationToken.None);
    var wholeMs = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
    var onePassText = await onePass.DecodeAsync(speech, speech.Length, CancellationToken.None);
    // The streamed decode's transcript, with and without its second pass; then interims streamed and the whole turn's
    // pass begun at the pause (the VAD's stop, 200 ms into the silence), the turn ending 100 ms later (the adaptive
    // short wait).
    var (streamed, finalizeMs, interims) = await TurnAsync(stt, speech, tellPause: false);
    var (streamedOnePassText, streamedOnePassMs, _) = await TurnAsync(streamedOnePass, speech, tellPause: false);
    var (atPause, atPauseMs, _) = await TurnAsync(served, speech, tellPause: true);
    var (quick, quickMs, _) = await TurnAsync(served, speech, tellPause: true, quick: true);
    sttRows.Add(new SttRow(sentence, whole.Trim(), streamed, atPause, Wer.Errors(sentence, whole), Wer.Errors(sentence, onePassText), Wer.Errors(sentence, streamed),
        Wer.Errors(sentence, atPause), Wer.Errors(sentence, streamedOnePassText), Wer.Words(sentence).Length, interims, wholeMs, finalizeMs, atPauseMs, streamedOnePassMs,
        quick, Wer.Errors(sentence, quick), quickMs));
    Console.WriteLine($"stt {sttRows.Count}/{Sentences.Wer.Length}: finalize {finalizeMs:F0} ms streamed, {atPauseMs:F0} ms begun at the pause, interims {interims}");
}
var words = sttRows.Sum(r => r.Words);
var sttSummary = new
{
    sentences = sttRows.Count,
    words,
    wer_whole_turn = (double)sttRows.Sum(r => r.WholeErrors) / words,
    wer_whole_turn_one_pass = (double)sttRows.Sum(r => r.OnePassErrors) / words,
    wer_streaming = (double)sttRows.Sum(r => r.StreamedErrors) / words,
    wer_begun_at_pause = (double)sttRows.Sum(r => r.AtPauseErrors) / words,
    wer_streaming_one_pass = (double)sttRows.Sum(r => r.StreamedOnePassErrors) / words,
    streaming_one_pass_ms_p50 = Stats.Percentile(sttRows.Select(r => r.StreamedOnePassMs), 50),
    streaming_one_pass_ms_p95 = Stats.Percentile(sttRows.Select(r => r.StreamedOnePassMs), 95),
    whole_turn_ms_p50 = Stats.Percentile(sttRows.Select(r => r.WholeMs), 50),
    whole_turn_ms_p95 = Stats.Percentile(sttRows.Select(r => r.WholeMs), 95),
    finalize_ms_p50 = Stats.Percentile(sttRows.Select(r => r.FinalizeMs), 50),
    finalize_ms_p95 = Stats.Percentile(sttRows.Select(r => r.FinalizeMs), 95),
    begun_at_pause_ms_p50 = Stats.Percentile(sttRows.Select(r => r.AtPauseMs), 50),
    begun_at_pause_ms_p95 = Stats.Percentile(sttRows.Select(r => r.AtPauseMs), 95),
    wer_quick = (double)sttRows.Sum(r => r.QuickErrors) / words,
    quick_ms_p50 = Stats.Percentile(sttRows.Select(r => r.QuickMs), 50),
    quick_ms_p95 = Stats.Percentile(sttRows.Select(r => r.QuickMs), 95),
    // Of the quick finalizes, how many had the streamed decode's transcript (the others the pass's, ready in time).
    quick_streamed = served.StreamedTranscripts,
    load_average = File.ReadAllText("/proc/loadavg").Trim(),
    interims_per_sentence = sttRows.Average(r => r.Interims),
    rows = sttRows,
};
await File.WriteAllTextAsync(Path.Combine(results, "stt-streaming.json"), JsonSerializer.Serialize(sttSummary, jsonOptions));
var md = new StringBuilder();
md.AppendLine("# Streaming PocketSphinx vs whole-turn decode (`bench/Turns`)").AppendLine();
md.AppendLine($"{sttRows.Count} sentences ({words} words), flite kal16 at 16 kHz. Whole-turn: the decode of the turn once it ended (with the fwdflat second pass), and the same without it. Streaming: fed in 20 ms chunks in real time, then 300 ms of silence, then finalized; the time is from the finalize call (the turn's end) to the transcript. Begun at the pause (voice-host's default): fed the same way, the whole turn's pass begun 200 ms into the silence (the VAD's stop), the turn ended 100 ms later. Load average at the end: {sttSummary.load_average}.").AppendLine();
md.AppendLine("| | WER | transcript after the turn's end p50 | p95 | interims per sentence |");
md.AppendLine("|---|---|---|---|---|");
md.AppendLine(CultureInfo.InvariantCulture, $"| whole-turn (before) | {sttSummary.wer_whole_turn:P1} | {sttSummary.whole_turn_ms_p50:F0} ms | {sttSummary.whole_turn_ms_p95:F0} ms | 0 |");
md.AppendLine(CultureInfo.InvariantCulture, $"| whole-turn, no second pass | {sttSummary.wer_whole_turn_one_pass:P1} | | | |");
md.AppendLine(CultureInfo.InvariantCulture, $"| streaming, with a second pass | {sttSummary.wer_streaming:P1} | {sttSummary.finalize_ms_p50:F0} ms | {sttSummary.finalize_ms_p95:F0} ms | {sttSummary.interims_per_sentence:F1} |");
md.AppendLine(CultureInfo.InvariantCulture, $"| streaming, no second pass | {sttSummary.wer_streaming_one_pass:P1} | {sttSummary.streaming_one_pass_ms_p50:F0} ms | {sttSummary.streaming_one_pass_ms_p95:F0} ms | |");
md.AppendLine(CultureInfo.InvariantCulture, $"| whole-turn begun at the pause (default) | {sttSummary.wer_begun_at_pause:P1} | {sttSummary.begun_at_pause_ms_p50:F0} ms | {sttSummary.begun_at_pause_ms_p95:F0} ms | (streamed) |");
md.AppendLine(CultureInfo.InvariantCulture, $"| the same, finalized quickly (adaptive turns): the streamed decode's ({sttSummary.quick_streamed} of {sttRows.Count}) unless the pass is ready | {sttSummary.wer_quick:P1} | {sttSummary.quick_ms_p50:F0} ms | {sttSummary.quick_ms_p95:F0} ms | (streamed) |");
await File.WriteAllTextAsync(Path.Combine(results, "stt-streaming.md"), md.ToString());
Console.WriteLine(md);

// --- 2. Turn modes ---
using var vad = new SileroVad(Path.Combine(root, "infra", "local", ".runtime", "models", "silero_vad_v5.onnx"));
var modes = new (string Name, TurnSettings Turn)[]
{
    ("fixed 800 ms", new TurnSettings { Mode = TurnSettings.Fixed, WaitMs = 800 }),
    ("adaptive", new TurnSettings { Mode = TurnSettings.Adaptive }),
};
var turnRows = new List<TurnRow>();
foreach (var utterance in Sentences.Turns)
{
    var (audio, speechEnd, lastStart) = await Speech.UtteranceAsync(utterance);
    // One mode after the other, not at once: two calls' decoders sharing the 2 cores made each mode's time the other's load.
    foreach (var mode in modes)
    {
        var run = new CallerSide(mode.Name, mode.Turn, served, vad);
        var fedAt = new long[audio.Length / 320 + 1];
        var index = 0;
        await Speech.PaceAsync(audio, async chunk =>
        {
            fedAt[index++] = Stopwatch.GetTimestamp();
            await run.SendAsync(chunk);
        }, CancellationToken.None);
        // The sample where speech ended was fed with its chunk; the reply's clock starts then.
        var speechEndedAt = fedAt[speechEnd / 320];
        var lastStartedAt = fedAt[lastStart / 320];
        var transcript = await run.TranscriptAfterAsync(speechEndedAt, TimeSpan.FromSeconds(5));
        var early = run.TurnEnds.Any(t => t < lastStartedAt);
        turnRows.Add(new TurnRow(run.Mode, utterance.Text, utterance.Pauses, transcript is { } t ? Stopwatch.GetElapsedTime(speechEndedAt, t.At).TotalMilliseconds : null,
            transcript?.Text, early));
        await run.DisposeAsync();
    }
    Console.WriteLine($"turns {turnRows.Count / modes.Length}/{Sentences.Turns.Length}: " + string.Join(", ", turnRows.TakeLast(modes.Length).Select(r => $"{r.Mode} {r.ReplyMs:F0} ms{(r.EndedEarly ? " EARLY" : "")}")));
}
var byMode = modes.Select(m =>
{
    var rows = turnRows.Where(r => r.Mode == m.Name).ToList();
    return new
    {
        mode = m.Name,
        turns = rows.Count,
        reply_ms_p50 = Stats.Percentile(rows.Where(r => r.ReplyMs is not null).Select(r => r.ReplyMs!.Value), 50),
        reply_ms_p50_paused = Stats.Percentile(rows.Where(r => r.ReplyMs is not null && r.Pauses > 0).Select(r => r.ReplyMs!.Value), 50),
        reply_ms_p50_complete = Stats.Percentile(rows.Where(r => r.ReplyMs is not null && r.Pauses == 0).Select(r => r.ReplyMs!.Value), 50),
        ended_early = rows.Count(r => r.EndedEarly),
        ended_early_share = (double)rows.Count(r => r.EndedEarly) / rows.Count,
        no_transcript = rows.Count(r => r.ReplyMs is null),
    };
}).ToList();
await File.WriteAllTextAsync(Path.Combine(results, "turn-modes.json"), JsonSerializer.Serialize(new { modes = byMode, rows = turnRows }, jsonOptions));
md.Clear();
md.AppendLine("# Turn modes: fixed 800 ms vs adaptive (`bench/Turns`)").AppendLine();
md.AppendLine($"Load average at the end: {File.ReadAllText("/proc/loadavg").Trim()}.").AppendLine();
md.AppendLine($"{Sentences.Turns.Length} utterances (flite kal16, 16 kHz, real time): {Sentences.Turns.Count(u => u.Pauses > 0)} with 400 to 900 ms pauses inside (after \"and\", \"the\", \"um\", numbers), {Sentences.Turns.Count(u => u.Pauses == 0)} complete sentences. Each goes through Silero VAD, turn detection and streaming PocketSphinx (voice-host's default: the transcript from the whole turn's pass begun at the pause; an adaptive turn takes the streamed decode's unless that pass is ready), each mode in turn (one after the other, so neither's decoding is the other's load). Reply time: end of speech to the final transcript, which the reply starts from (the LLM and the TTS after it cost the same in both modes). Early: the turn ended at a pause inside the utterance.").AppendLine();
md.AppendLine("| mode | end of speech to transcript p50 | p50, utterances with pauses | p50, complete sentences | ended early |");
md.AppendLine("|---|---|---|---|---|");
foreach (var m in byMode)
{
    md.AppendLine(CultureInfo.InvariantCulture, $"| {m.mode} | {m.reply_ms_p50:F0} ms | {m.reply_ms_p50_paused:F0} ms | {m.reply_ms_p50_complete:F0} ms | {m.ended_early}/{m.turns} ({m.ended_early_share:P0}) |");
}
await File.WriteAllTextAsync(Path.Combine(results, "turn-modes.md"), md.ToString());
Console.WriteLine(md);

internal sealed record SttRow(string Sentence, string WholeTurn, string Streamed, string AtPause, int WholeErrors, int OnePassErrors, int StreamedErrors, int AtPauseErrors,
    int StreamedOnePassErrors, int Words, int Interims, double WholeMs, double FinalizeMs, double AtPauseMs, double StreamedOnePassMs,
    string Quick, int QuickErrors, double QuickMs);

internal sealed record TurnRow(string Mode, string Text, int Pauses, double? ReplyMs, string? Transcript, bool EndedEarly);
