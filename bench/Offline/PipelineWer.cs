using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using VoiceAgents.Bench.Api;
using VoiceAgents.Client;
using VoiceAgents.VoiceHost.Audio;
using VoiceAgents.VoiceHost.Providers.Local;
using static VoiceAgents.Bench.Api.BenchHost;

namespace VoiceAgents.Bench.Offline;

/// <summary>
/// Word error rate through the pipeline against the raw engine on the same audio. The sentences (flite kal16, 16 kHz)
/// are made into what each kind of caller sends: 8 kHz μ-law on <c>/twilio</c> (sox to 8 kHz, then μ-law), 16 kHz
/// and 48 kHz PCM16 on <c>/ws</c> (48 kHz by sox from the 16 kHz speech). Each set is said in one call, in real time,
/// every reply heard out before the next sentence; the call's user turns are read back from its record. The raw
/// engine is PocketSphinx (voice-host's <see cref="PocketSphinxStt"/> decode of one utterance, no VAD, no turns) fed
/// the very audio sent, brought to 16 kHz by sox (<c>rate -v</c>, no dither, so every run gets the same audio; sox decodes
/// the μ-law too). WER is over the whole set
/// (all words of all sentences): edits / reference words.
/// </summary>
public static class PipelineWer
{
    public static async Task RunAsync(BenchSettings settings, CancellationToken ct)
    {
        var spoken = await Sentences.SpeakAllAsync(ct);
        var reference = Sentences.Texts.SelectMany(Stats.Words).ToArray();

        // What each caller sends, and what the raw engine is given for it.
        var at8k = new byte[spoken.Length][];
        var at48k = new short[spoken.Length][];
        var raw8k = new short[spoken.Length][];
        var raw48k = new short[spoken.Length][];
        for (var i = 0; i < spoken.Length; i++)
        {
            var pcm8k = await SoxCli.ResampleAsync(spoken[i], 16000, 8000, ct);
            at8k[i] = new byte[pcm8k.Length];
            MuLaw.Encode(pcm8k, at8k[i]);
            raw8k[i] = await SoxCli.DecodeMuLawAsync(at8k[i], 8000, 16000, ct);
            at48k[i] = await SoxCli.ResampleAsync(spoken[i], 16000, 48000, ct);
            raw48k[i] = await SoxCli.ResampleAsync(at48k[i], 48000, 16000, ct);
        }

        // The same audio brought to 16 kHz by voice-host's own decoder and resampler instead of sox: where the
        // pipeline is worse than the raw engine, this says whether the resampling or what follows it (VAD, turns) is why.
        static short[] Ours(short[] pcm, int rate, bool forRecognizer = true)
        {
            var resampler = forRecognizer ? Resampler.ForRecognizer(rate, 16000) : new Resampler(rate, 16000);
            var output = new short[resampler.MaxOutputLength(pcm.Length)];
            return output[..resampler.Process(pcm, output)];
        }
        short[] Decoded(byte[] m)
        {
            var pcm = new short[m.Length];
            MuLaw.Decode(m, pcm);
            return pcm;
        }
        var ours8k = at8k.Select(m => Ours(Decoded(m), 8000)).ToArray();
        // The image-free resampler (every other path's), to show what the recogniser's spectral fold is worth.
        var clean8k = at8k.Select(m => Ours(Decoded(m), 8000, forRecognizer: false)).ToArray();
        var ours48k = at48k.Select(a => Ours(a, 48000)).ToArray();

        // What the engine heard of each sentence (the JSON keeps them, to set beside the pipeline's turns). A decoder
        // for each set: one carries something over from the utterances it decoded (the 8 kHz set read 26.8 % first
        // and 25.5 % after the other two), so a shared one made each row's figure depend on the rows before it.
        async Task<string[]> RawAsync(short[][] audio)
        {
            using var engine = new PocketSphinxStt(1);
            var heard = new List<string>();
            foreach (var a in audio) heard.Add(await engine.DecodeAsync(a, a.Length, ct));
            return [.. heard];
        }

        await using var host = await OfflineHost.StartAsync(settings, ct);
        Say($"voice-host on {host.Ws} and {host.Twilio}; {spoken.Length} sentences, {reference.Length} words");
        var rows = new List<Row>();
        rows.Add(new("16 kHz PCM16 on /ws", await WsCallAsync(host, spoken, 16000, ct), await RawAsync(spoken), await RawAsync(spoken), null));
        Say(Line(rows[^1], reference));
        rows.Add(new("48 kHz PCM16 on /ws", await WsCallAsync(host, at48k, 48000, ct), await RawAsync(raw48k), await RawAsync(ours48k), null));
        Say(Line(rows[^1], reference));
        rows.Add(new("8 kHz μ-law on /twilio", await TwilioCallAsync(host, at8k, ct), await RawAsync(raw8k), await RawAsync(ours8k), await RawAsync(clean8k)));
        Say(Line(rows[^1], reference));

        var report = new JsonObject
        {
            ["date"] = DateTime.UtcNow.ToString("yyyy-MM-dd HH:mm 'UTC'", CultureInfo.InvariantCulture),
            ["cores"] = Environment.ProcessorCount,
            ["load_average_at_end"] = Stats.LoadAverage(),
            ["sentences"] = spoken.Length,
            ["reference_words"] = reference.Length,
            ["rows"] = new JsonArray([.. rows.Select(r => (JsonNode)new JsonObject
            {
                ["input"] = r.Name,
                ["pipeline_wer"] = Wer(reference, r.Pipeline),
                ["raw_engine_wer"] = Wer(reference, r.Raw),
                ["raw_engine_on_voice_host_resampler_wer"] = Wer(reference, r.Ours),
                ["raw_engine_on_image_free_resampler_wer"] = r.CleanSentences is null ? null : Wer(reference, r.Clean),
                ["pipeline_turns"] = new JsonArray([.. r.PipelineTurns.Select(t => (JsonNode)t)]),
                ["raw_engine_sentences"] = new JsonArray([.. r.RawSentences.Select(t => (JsonNode)t)]),
                ["raw_engine_on_voice_host_resampler_sentences"] = new JsonArray([.. r.OursSentences.Select(t => (JsonNode)t)]),
            })]),
        };
        Directory.CreateDirectory(settings.ResultsDir);
        await File.WriteAllTextAsync(Path.Combine(settings.ResultsDir, "wer-pipeline.json"), report.ToJsonString(new JsonSerializerOptions { WriteIndented = true }) + "\n", ct);
        await File.WriteAllTextAsync(Path.Combine(settings.ResultsDir, "wer-pipeline.md"), $"""
            # WER through the pipeline vs the raw engine

            Run {report["date"]} on {Environment.ProcessorCount} cores, load average at the end {report["load_average_at_end"]}.
            `dotnet run -c Release --project bench/Offline -- wer`: {spoken.Length} flite kal16 sentences ({reference.Length} words), each
            kind of caller's audio said in one call to voice-host in-process (Silero VAD, PocketSphinx, rules, flite), the
            call's user turns read back; the raw engine is PocketSphinx on each sentence's same audio brought to 16 kHz by
            sox (`rate -v`, no dither: every run gets the same audio), a fresh decoder for each set. WER = word edits / reference words over the whole set. The pipeline must not be worse. The
            last columns, for diagnosis, are the raw engine on the same audio brought to 16 kHz by voice-host's own μ-law
            decoder and `Resampler` instead of sox: the pipeline's (`Resampler.ForRecognizer`, whose upsampling folds the
            top of the telephone band into 4–4.8 kHz), and at 8 kHz the image-free one every other path uses.

            | input | pipeline WER | raw engine WER (sox) | pipeline − raw | raw engine on voice-host's resampler | on the image-free one |
            |---|---:|---:|---:|---:|---:|
            {string.Join("\n", rows.Select(r => $"| {r.Name} | {Percent(reference, r.Pipeline)} | {Percent(reference, r.Raw)} | {Math.Round((Wer(reference, r.Pipeline) - Wer(reference, r.Raw)) * 100, 1).ToString("0.0", CultureInfo.InvariantCulture)} pt | {Percent(reference, r.Ours)} | {(r.CleanSentences is null ? "same" : Percent(reference, r.Clean))} |"))}

            """, ct);
        Say($"wrote {Path.Combine(settings.ResultsDir, "wer-pipeline.json")} and .md");
    }

    private static double Wer(string[] reference, string[] hypothesis) => Math.Round((double)Stats.Edits(reference, hypothesis) / reference.Length, 4);

    private static string Percent(string[] reference, string[] hypothesis) => (Wer(reference, hypothesis) * 100).ToString("0.0", CultureInfo.InvariantCulture) + " %";

    /// <summary>One kind of caller: the pipeline's user turns and the raw engine's sentences, as heard.</summary>
    private sealed record Row(string Name, string[] PipelineTurns, string[] RawSentences, string[] OursSentences, string[]? CleanSentences)
    {
        public string[] Pipeline => [.. PipelineTurns.SelectMany(Stats.Words)];
        public string[] Raw => [.. RawSentences.SelectMany(Stats.Words)];
        public string[] Ours => [.. OursSentences.SelectMany(Stats.Words)];
        public string[] Clean => [.. (CleanSentences ?? []).SelectMany(Stats.Words)];
    }

    private static string Line(Row row, string[] reference) =>
        $"{row.Name}: pipeline WER {Percent(reference, row.Pipeline)}, raw engine {Percent(reference, row.Raw)} (on voice-host's resampler {Percent(reference, row.Ours)})";

    private static async Task<string[]> WsCallAsync(OfflineHost host, short[][] sentences, int rate, CancellationToken ct)
    {
        string callId;
        {
            await using var caller = await host.CallAsync(rate);
            lock (caller.Events) callId = caller.Events.Select(e => e.Event).First(e => VoiceAgents.Tests.Infrastructure.VoiceClient.Type(e) == "ready")["call_id"]!.GetValue<string>();
            await CallerTimeline.HearGreetingAsync(caller, rate, ct);
            var answered = 0;
            foreach (var sentence in sentences)
            {
                if (await CallerTimeline.ListenAsync(caller, rate, await CallerTimeline.SayAsync(caller, sentence, rate, ct), ct)) answered++;
            }
            Say($"{rate} Hz on /ws: {answered} of {sentences.Length} sentences answered; socket {caller.State}{(caller.CloseStatus is { } status ? $", closed {(int)status} {caller.CloseReason}" : "")}");
        }
        return UserTurns(await host.CompletedCallAsync(callId, ct));
    }

    private static async Task<string[]> TwilioCallAsync(OfflineHost host, byte[][] sentences, CancellationToken ct)
    {
        var callId = MongoDB.Bson.ObjectId.GenerateNewId().ToString();
        // Where the caller's phone is in playing the bot's audio: voice-host sends a reply as fast as it is made and
        // Twilio plays it in real time, so the reply is over when the playhead has passed the last audio received.
        long lastMedia = 0, playhead = 0;
        var gate = new Lock();
        void Received(int samples)
        {
            lock (gate)
            {
                var now = Environment.TickCount64;
                lastMedia = now;
                playhead = Math.Max(playhead, now) + samples * 1000L / TwilioStreamClient.SampleRate;
            }
        }
        {
            await using var stream = new TwilioStreamClient { OnMedia = (mulaw, _) => Received(mulaw.Length) };
            await stream.ConnectAsync(host.Twilio, ct);
            await stream.StartAsync(host.StreamParameters(callId), ct: ct);
            // Twilio's stream has no bot_stopped_speaking: a reply is over once it has been played and nothing came for
            // a second; a sentence with no reply within CallerTimeline.ReplyWithin is left unanswered.
            async Task ListenAsync(long after)
            {
                using var listening = CancellationTokenSource.CreateLinkedTokenSource(ct);
                var silence = Silence(stream, listening.Token);
                var unanswered = Environment.TickCount64 + (long)CallerTimeline.ReplyWithin.TotalMilliseconds;
                while (true)
                {
                    long last, played;
                    lock (gate) (last, played) = (lastMedia, playhead);
                    var now = Environment.TickCount64;
                    if (last <= after ? now >= unanswered : now >= played + 300 && now - last >= 1000) break;
                    await Task.Delay(20, ct);
                }
                await listening.CancelAsync();
                await silence;
            }
            await ListenAsync(0);
            var quiet = new byte[TwilioStreamClient.SampleRate * 3 / 10];
            Array.Fill(quiet, (byte)0xFF); // μ-law silence
            foreach (var sentence in sentences)
            {
                await stream.StreamAsync(quiet, ct: ct);
                await stream.StreamAsync(sentence, ct: ct);
                await ListenAsync(Environment.TickCount64);
            }
            await stream.StopAsync(ct);
        }
        return UserTurns(await host.CompletedCallAsync(callId, ct));
    }

    // Silence 20 ms at a time on one clock until stop is cancelled, never cancelling a send (see CallerTimeline.SilenceUntilAsync).
    private static async Task Silence(TwilioStreamClient stream, CancellationToken stop)
    {
        var frame = new byte[TwilioStreamClient.ChunkBytes];
        Array.Fill(frame, (byte)0xFF);
        var pacer = new AudioPacer(TwilioStreamClient.SampleRate);
        while (!stop.IsCancellationRequested && stream.State == System.Net.WebSockets.WebSocketState.Open)
            await stream.StreamAsync(frame, pacer, CancellationToken.None);
    }

    private static string[] UserTurns(CallRecord call)
    {
        var turns = call.Transcript.Where(t => t.Speaker == "user").ToList();
        Say($"call {call.CallId}: {turns.Count} user turns, ended by {call.EndReason}");
        return [.. turns.Select(t => t.Text)];
    }
}
