using System.Diagnostics;
using System.Runtime.InteropServices;
using System.Security.Cryptography;
using Microsoft.Extensions.Options;
using MongoDB.Bson;
using VoiceAgents.Bench.Voice.Load;
using VoiceAgents.Bench.Voice.Server;
using VoiceAgents.Core.Auth;
using VoiceAgents.Core.Data;
using VoiceAgents.Core.Domain;

namespace VoiceAgents.Bench.Voice.Run;

/// <summary>
/// The whole bench: its own local stack, the agent, then a concurrency ramp against one voice-host process and a
/// soak against a fresh one, writing bench/results/voice.json and voice.md.
/// </summary>
public sealed class BenchRunner(BenchOptions options)
{
    private const double Mb = 1024 * 1024;
    private readonly string _repo = Machine.RepoRoot();
    private string Work => Path.Combine(_repo, ".local", "bench-voice");
    private string _agentId = "";
    private TokenService _tokens = default!;
    private TokenIdentity _identity = default!;
    private Dictionary<string, string> _settings = [];
    private MongoContext _db = default!;
    private short[] _speech = [];
    private int _speechEnd;

    public async Task<int> RunAsync()
    {
        var result = new BenchResult
        {
            StartedAt = DateTimeOffset.UtcNow,
            Quick = options.Quick,
            Machine = new MachineInfo(Environment.ProcessorCount, Machine.Cpu(), RuntimeInformation.OSDescription, RuntimeInformation.FrameworkDescription, Machine.LoadAverage()),
            Targets = new TargetInfo(options.TargetCalls, options.TargetP99Ms, "flat over the soak"),
        };
        using var budget = new CancellationTokenSource(options.Budget);
        var interrupted = false;
        void Interrupt()
        {
            interrupted = true;
            budget.Cancel();
        }
        // Ctrl-C or SIGTERM: stop the server and the stack, and write what was measured.
        Console.CancelKeyPress += (_, e) =>
        {
            e.Cancel = true;
            Interrupt();
        };
        using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, c =>
        {
            c.Cancel = true;
            Interrupt();
        });
        var ct = budget.Token;
        Log($"voice bench{(options.Quick ? " (quick)" : "")}: {result.Machine.Cores} cores, load average {string.Join(" ", result.Machine.LoadAverageAtStart)}; gives up after {options.Budget}");

        var stackEnv = StackEnv();
        try
        {
            PrepareSpeech();
            result.Setup = Setup();
            var model = Path.Combine(_repo, "infra", "local", ".runtime", "models", "silero_vad_v5.onnx");
            if (!File.Exists(model)) throw new InvalidOperationException($"{model} is missing: run infra/local/install.sh");
            Log("measuring component costs (VAD, resamplers) on one thread");
            result.Components = Components.Measure(model, options.Rate);
            Log($"  {result.Components}");
            var inputCalls = options.Quick ? 5 : 20;
            var (inputCpu, inputAlloc) = await InputPipeline.MeasureAsync(model, options.Rate, inputCalls, TimeSpan.FromSeconds(options.Quick ? 3 : 10));
            result.InputPath = new InputPathCost(inputCalls, inputCpu, inputAlloc);
            Log($"  input path (resampler, VAD, turns, STT; no sockets), {inputCalls} calls in-process: {inputCpu} ms CPU and {inputAlloc} KB allocated per call-second");
            result.OutputPathCpuMsPerCallSecond = await OutputPipeline.MeasureAsync(options.Rate, inputCalls, TimeSpan.FromSeconds(options.Quick ? 3 : 10));
            Log($"  output path (sentences, TTS, pacing, recording; no sockets), {inputCalls} calls always speaking: {result.OutputPathCpuMsPerCallSecond} ms CPU per call-second");

            Log($"starting the bench's local stack in {stackEnv["STACK_DIR"]}");
            await Machine.RunScriptAsync(_repo, "infra/local/start.sh", stackEnv, ct);
            await SeedAsync(model, ct);

            if (options.Ramp) await RampAsync(result, ct);
            if (options.SoakEnabled)
            {
                // The soak is about memory over time, so it runs at a load the server keeps up with: a backlog
                // that grows would look like a leak.
                var calls = options.SoakCalls;
                if (result.MaxCallsPassing is > 0 and var passing) calls = Math.Min(calls, passing);
                else if (result.MaxCallsSustained is > 0 and var sustained) calls = Math.Min(calls, sustained);
                else if (options.Ramp) calls = Math.Min(calls, options.Steps[0]);
                await SoakAsync(result, calls, ct);
            }
        }
        catch (OperationCanceledException) when (budget.IsCancellationRequested)
        {
            result.Aborted = true;
            result.AbortReason = interrupted ? "interrupted" : $"the run exceeded its time budget of {options.Budget}";
            Log(result.AbortReason);
        }
        catch (Exception e)
        {
            result.Aborted = true;
            result.AbortReason = e.Message;
            Log($"failed: {e}");
        }
        finally
        {
            try
            {
                await Machine.RunScriptAsync(_repo, "infra/local/stop.sh", stackEnv, CancellationToken.None);
            }
            catch (Exception e)
            {
                Log($"stopping the stack failed: {e.Message}");
            }
        }

        result.FinishedAt = DateTimeOffset.UtcNow;
        result.Machine.LoadAverageAtEnd = Machine.LoadAverage();
        var dir = options.ResultsDir ?? Path.Combine(_repo, "bench", "results");
        var name = options.Quick ? "voice-quick" : "voice";
        var suffix = options.Quick ? ".tmp" : "";
        var (json, md) = await Report.WriteAsync(result, dir, name, suffix);
        Log($"results: {json} and {md}");
        return result.Aborted ? 1 : 0;
    }

    private Dictionary<string, string> StackEnv() => new()
    {
        ["STACK_DIR"] = Path.Combine(Work, "stack"),
        ["STACK_PERSIST"] = "0",
        ["MONGO_PORT"] = options.MongoPort.ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["S3_PORT"] = options.S3Port.ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["AZURITE_BLOB_PORT"] = options.AzuritePort.ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["AZURITE_QUEUE_PORT"] = (options.AzuritePort + 1).ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["AZURITE_TABLE_PORT"] = (options.AzuritePort + 2).ToString(System.Globalization.CultureInfo.InvariantCulture),
    };

    /// <summary>
    /// The flood scenario: its own stack and a fresh voice-host, idle memory after a forced GC, then
    /// <paramref name="flood"/>'s callers sending audio as fast as the socket takes it (reconnecting whenever they are
    /// closed) for its duration, sampling memory every second, then memory again once the calls are gone.
    /// </summary>
    public async Task<int> RunFloodAsync(FloodOptions flood)
    {
        var started = DateTimeOffset.UtcNow;
        var stackEnv = StackEnv();
        using var cancel = new CancellationTokenSource(flood.Duration + TimeSpan.FromMinutes(10));
        Console.CancelKeyPress += (_, e) =>
        {
            e.Cancel = true;
            cancel.Cancel();
        };
        var ct = cancel.Token;
        FloodResult result;
        try
        {
            PrepareSpeech();
            var model = Path.Combine(_repo, "infra", "local", ".runtime", "models", "silero_vad_v5.onnx");
            Log($"flood: starting the bench's local stack in {stackEnv["STACK_DIR"]}");
            await Machine.RunScriptAsync(_repo, "infra/local/start.sh", stackEnv, ct);
            await SeedAsync(model, ct);
            await using var server = await StartServerAsync("flood", ct);
            result = await new Flood(server, _agentId, () => _tokens.CreateAccessToken(_identity), flood, Log).RunAsync(ct);
        }
        finally
        {
            await Machine.RunScriptAsync(_repo, "infra/local/stop.sh", stackEnv, CancellationToken.None);
        }
        result = result with
        {
            StartedAt = started,
            Machine = new MachineInfo(Environment.ProcessorCount, Machine.Cpu(), RuntimeInformation.OSDescription, RuntimeInformation.FrameworkDescription, Machine.LoadAverage()),
        };
        var (json, md) = await Flood.WriteAsync(result, options.ResultsDir ?? Path.Combine(_repo, "bench", "results"));
        Log($"results: {json} and {md}");
        return result.ReturnedToIdle ? 0 : 1;
    }

    /// <summary>
    /// Auth cost at /ws, call token against member JWT (<see cref="CallAuthBench"/>): its own stack and one voice-host,
    /// <paramref name="attempts"/> calls of each kind, written to bench/results/call-auth.md.
    /// </summary>
    public async Task<int> RunCallAuthAsync(int attempts)
    {
        var stackEnv = StackEnv();
        using var cancel = new CancellationTokenSource(TimeSpan.FromMinutes(30));
        var ct = cancel.Token;
        try
        {
            PrepareSpeech();
            var model = Path.Combine(_repo, "infra", "local", ".runtime", "models", "silero_vad_v5.onnx");
            await Machine.RunScriptAsync(_repo, "infra/local/start.sh", stackEnv, ct);
            await SeedAsync(model, ct);
            await using var server = await StartServerAsync("call-auth", ct);
            var md = await CallAuthBench.RunAsync(server.WebSocket, _agentId, _identity, _db, () => _tokens.CreateAccessToken(_identity), attempts, Log, ct);
            var path = Path.Combine(options.ResultsDir ?? Path.Combine(_repo, "bench", "results"), "call-auth.md");
            await File.WriteAllTextAsync(path, md, ct);
            Log($"results: {path}");
            Console.WriteLine(md);
            return 0;
        }
        finally
        {
            await Machine.RunScriptAsync(_repo, "infra/local/stop.sh", stackEnv, CancellationToken.None);
        }
    }

    private SetupInfo Setup()
    {
        var speech = FixedLatencyTts.Record();
        var reply = Scenario.Sentences.Skip(1).Sum(s => speech[s].Length) / (double)FixedLatencyTts.Rate;
        return new SetupInfo(
            options.Rate,
            Scenario.TurnEnd.TotalMilliseconds,
            Scenario.SttFinal.TotalMilliseconds,
            Scenario.LlmFirstToken.TotalMilliseconds,
            Scenario.LlmTokenInterval.TotalMilliseconds,
            Scenario.TtsFirstByte.TotalMilliseconds,
            $"{Scenario.TtsChunk.TotalMilliseconds} ms of audio every {Scenario.TtsChunkInterval.TotalMilliseconds} ms (2x real time), flite recordings at 16 kHz",
            Scenario.FixedMs,
            options.Jitter.TotalMilliseconds,
            Math.Round(_speechEnd / (double)options.Rate, 2),
            Math.Round(reply, 2),
            "server, concurrent (as voice-host: Web SDK default)",
            (options.StepWarmup + options.StepMeasure).TotalSeconds,
            options.StepWarmup.TotalSeconds,
            options.PassP99Ms);
    }

    private void PrepareSpeech()
    {
        var (spoken, rate) = Scenario.Speak(Scenario.CallerText, "kal16");
        var speech = Scenario.Resample(spoken, rate, options.Rate);
        _speechEnd = Scenario.SpeechEnd(speech, options.Rate);
        // The stream goes on with silence after the last word, so the file's own trailing silence is not needed.
        _speech = speech[.._speechEnd];
        Log($"caller speech: {_speechEnd / (double)options.Rate:F2} s at {options.Rate} Hz (flite kal16)");
    }

    private async Task SeedAsync(string model, CancellationToken ct)
    {
        var mongo = $"mongodb://127.0.0.1:{options.MongoPort}";
        const string database = "bench_voice";
        var db = _db = new MongoContext(Options.Create(new MongoOptions { ConnectionString = mongo, Database = database }));
        var now = DateTime.UtcNow;
        // Hundreds of concurrent calls of one tenant: its cap, and the instance's, are lifted out of the way.
        var tenant = new Tenant { Id = ObjectId.GenerateNewId().ToString(), Name = "Bench", CreatedAt = now, MaxConcurrentCalls = 100_000 };
        await db.Tenants.InsertOneAsync(tenant, cancellationToken: ct);
        var agent = new Agent
        {
            Id = ObjectId.GenerateNewId().ToString(),
            TenantId = tenant.Id,
            UserId = ObjectId.GenerateNewId().ToString(),
            Name = "Bench booker",
            SystemPrompt = "You take table bookings.",
            FirstMessage = Scenario.Greeting,
            Language = "en-US",
            Llm = new LlmConfig { Provider = "rules" },
            Stt = new SttConfig { Provider = "local", Language = "en-US" },
            Tts = new TtsConfig { Provider = "local", Voice = "slt" },
            CreatedAt = now,
            UpdatedAt = now,
        };
        await db.Agents.InsertOneAsync(agent, cancellationToken: ct);
        // voice-host accepts a token only while its user exists in the tenant (at the token's version, 0 here).
        await db.Users.InsertOneAsync(new User
        {
            Id = agent.UserId,
            TenantId = agent.TenantId,
            Email = $"bench-{agent.UserId}@example.com",
            Name = "Bench",
            Role = Roles.Admin,
            PasswordHash = "",
            CreatedAt = now,
            UpdatedAt = now,
        }, cancellationToken: ct);
        _agentId = agent.Id;
        var key = Convert.ToBase64String(RandomNumberGenerator.GetBytes(48));
        var jwt = new JwtOptions { SigningKey = key, AccessTokenLifetime = TimeSpan.FromHours(6) };
        _tokens = new TokenService(Options.Create(jwt), TimeProvider.System);
        _identity = new TokenIdentity(agent.UserId, agent.TenantId, Roles.Admin, "bench@example.com");
        _settings = new Dictionary<string, string>
        {
            ["Mongo:ConnectionString"] = mongo,
            ["Mongo:Database"] = database,
            ["S3:ServiceUrl"] = $"http://127.0.0.1:{options.S3Port}",
            ["S3:Bucket"] = "bench-voice",
            ["S3:AccessKey"] = "bench",
            ["S3:SecretKey"] = "bench-secret",
            ["AzureWebJobsStorage"] = "DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;" +
                "AccountKey=Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==;" +
                $"BlobEndpoint=http://127.0.0.1:{options.AzuritePort}/devstoreaccount1;QueueEndpoint=http://127.0.0.1:{options.AzuritePort + 1}/devstoreaccount1;",
            ["Jwt:SigningKey"] = key,
            ["Jwt:Issuer"] = jwt.Issuer,
            ["Jwt:Audience"] = jwt.Audience,
            ["Voice:VadModelPath"] = model,
            ["Voice:CallsFolder"] = Path.Combine(Work, "calls"),
            ["Voice:TurnEndSeconds"] = Scenario.TurnEnd.TotalSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Voice:MaxConcurrentCalls"] = "100000",
        };
        Log($"agent {agent.Id} of tenant {agent.TenantId} written to {mongo}/{database}");
    }

    private LoadGenerator NewLoad(ServerProcess server, int turnsPerCall) => new(
        server.WebSocket, _agentId, () => _tokens.CreateAccessToken(_identity), _speech, options.Rate, _speechEnd,
        options.Jitter, turnsPerCall, options.FirstTurnSpreadMs);

    private async Task<ServerProcess> StartServerAsync(string name, CancellationToken ct)
    {
        var log = Path.Combine(Work, $"server-{name}.log");
        var server = await ServerProcess.StartAsync(_settings, log, ct);
        Log($"voice-host ({name}) pid {server.Pid} at {server.WebSocket}; its log: {log}");
        try
        {
            await WarmUpAsync(server, ct);
            await Task.Delay(TimeSpan.FromSeconds(2), ct);
        }
        catch
        {
            await server.DisposeAsync();
            throw;
        }
        return server;
    }

    /// <summary>One short call warms up JIT, pools and the VAD session before anything is measured.</summary>
    private async Task WarmUpAsync(ServerProcess server, CancellationToken ct)
    {
        await using (var warm = NewLoad(server, turnsPerCall: 2))
        {
            var phase = new PhaseData("warm-up");
            warm.Phase = phase;
            warm.AddCallers(1);
            var until = DateTime.UtcNow + TimeSpan.FromSeconds(40);
            while (phase.Read(p => p.Turns.Count) < 2 && DateTime.UtcNow < until) await Task.Delay(500, ct);
            await warm.StopAsync();
            var turns = phase.Read(p => p.Turns.ToList());
            if (turns.Count == 0 || turns.All(t => t.Missed))
            {
                throw new InvalidOperationException($"the warm-up call got no reply: {string.Join("; ", phase.Read(p => p.Failures.ToList()))}");
            }
            Log($"  warm-up call: {string.Join(", ", turns.Select(t => $"v2v {t.ServerVoiceToVoiceMs} ms"))}");
        }
    }

    private async Task RampAsync(BenchResult result, CancellationToken ct)
    {
        await using var server = await StartServerAsync("ramp", ct);
        var idle = await server.StatsAsync(collect: true, ct);
        // What the server costs with no call at all, over a few seconds.
        await server.AllocationsAsync(ct);
        var quiet = await server.StatsAsync(false, ct);
        var window = Stopwatch.StartNew();
        await Task.Delay(options.Quick ? TimeSpan.FromSeconds(3) : TimeSpan.FromSeconds(10), ct);
        var quietEnd = await server.StatsAsync(false, ct);
        var quietAllocations = await server.AllocationsAsync(ct);
        var seconds = window.Elapsed.TotalSeconds;
        result.RampIdle = new IdleInfo(Math.Round(idle.RssBytes / Mb, 1), Math.Round(idle.LiveHeapBytes!.Value / Mb, 1))
        {
            CpuPercent = Math.Round((quietEnd.CpuMs - quiet.CpuMs) / (seconds * 1000) / Environment.ProcessorCount * 100, 2),
            AllocMbPerSecond = Math.Round((quietEnd.AllocatedBytes - quiet.AllocatedBytes) / Mb / seconds, 2),
            TopAllocations = quietAllocations.Take(5).Select(a => new AllocationShare(a.Type, Math.Round(a.Mb * 1024 / seconds, 1))).ToList(),
        };
        Log($"idle: RSS {result.RampIdle.RssMb} MB, live heap {result.RampIdle.LiveHeapMb} MB, CPU {result.RampIdle.CpuPercent}%, allocating {result.RampIdle.AllocMbPerSecond} MB/s");
        await using var load = NewLoad(server, int.MaxValue);
        foreach (var calls in options.Steps)
        {
            load.Phase = new PhaseData($"warm-up {calls}");
            load.AddCallers(calls - load.Count);
            await Task.Delay(options.StepWarmup, ct);
            var step = await MeasureAsync(server, load, calls, options.StepMeasure, idle, null, ct);
            result.Ramp.Add(step);
            Log($"  {calls,4} calls: {step.Verdict}; overhead p50 {step.OverheadMs?.P50} p99 {step.OverheadMs?.P99} ms, client p99 {step.ClientOverheadMs?.P99} ms, " +
                $"underruns {step.Underruns}/{step.ReplyBursts}, turns {step.Turns} (missed {step.MissedTurns}), server CPU {step.ServerCpuPercent}%, " +
                $"machine {step.MachineBusyPercent}% (CPU pressure {step.CpuPressurePercent}%), RSS {step.RssMb} MB, load {string.Join(" ", step.LoadAverage)}");
            Log($"        top allocations (KB per call-second): {string.Join(", ", step.TopAllocations.Take(6).Select(a => $"{a.Type} {a.KbPerCallSecond}"))}");
            Log($"        CPU ms per call-second {step.ServerCpuMsPerCallSecond}, alloc {step.AllocKbPerCallSecond} KB per call-second, gen0/1/2 {step.Gen0}/{step.Gen1}/{step.Gen2}, " +
                $"lock contentions/s {step.LockContentionsPerSecond}, client CPU {step.ClientCpuPercent}%, caller send lag p99 {step.CallerSendLagMs?.P99} ms");
            if (step.Pass) result.MaxCallsPassing = Math.Max(result.MaxCallsPassing ?? 0, calls);
            if (!step.Sustained)
            {
                Log($"  the server did not sustain {calls} calls; the ramp stops here");
                break;
            }
            result.MaxCallsSustained = calls;
        }
        await load.StopAsync();
        result.MaxCallsPassing ??= 0;
        result.MaxCallsSustained ??= 0;
    }

    /// <summary>Measures one window at a steady number of calls; memory is taken after a forced GC at the end.</summary>
    private async Task<StepResult> MeasureAsync(ServerProcess server, LoadGenerator load, int calls, TimeSpan window, Stats idle, List<SoakSample>? samples, CancellationToken ct)
    {
        var phase = new PhaseData(calls.ToString(System.Globalization.CultureInfo.InvariantCulture));
        await server.AllocationsAsync(ct);
        var before = await server.StatsAsync(false, ct);
        var machineBefore = Machine.CpuTimes();
        var clientBefore = Process.GetCurrentProcess().TotalProcessorTime;
        var clock = Stopwatch.StartNew();
        load.Phase = phase;
        var seen = new List<Stats> { before };
        var sampleEvery = samples is null ? TimeSpan.FromSeconds(5) : options.SoakSample;
        var liveAfterFirstMinute = false;
        for (var n = 1; clock.Elapsed < window; n++)
        {
            var target = TimeSpan.FromTicks(Math.Min(window.Ticks, sampleEvery.Ticks * n));
            if (target - clock.Elapsed < sampleEvery / 2 && target < window) continue;
            var wait = target - clock.Elapsed;
            if (wait > TimeSpan.Zero) await Task.Delay(wait, ct);
            // In the soak, one forced GC after the first minute gives the live heap to compare with the end.
            var collect = samples is not null && !liveAfterFirstMinute && clock.Elapsed >= TimeSpan.FromMinutes(options.Quick ? 0.1 : 1);
            liveAfterFirstMinute |= collect;
            var s = await server.StatsAsync(collect, ct);
            if (samples is not null)
            {
                var previous = seen[^1];
                var seconds = clock.Elapsed.TotalSeconds;
                var cpu = (s.CpuMs - previous.CpuMs) / Math.Max(1, sampleEvery.TotalMilliseconds) / Environment.ProcessorCount * 100;
                samples.Add(new SoakSample(Math.Round(seconds, 1), Math.Round(s.RssBytes / Mb, 1), Math.Round(s.GcHeapBytes / Mb, 1),
                    Math.Round(s.GcCommittedBytes / Mb, 1), s.LiveHeapBytes is { } l ? Math.Round(l / Mb, 1) : null, s.ActiveCalls, s.Gen2, Math.Round(cpu, 1)));
            }
            seen.Add(s);
        }
        var elapsed = clock.Elapsed;
        load.Phase = new PhaseData("between");
        var after = seen[^1];
        var machineAfter = Machine.CpuTimes();
        var clientCpu = (Process.GetCurrentProcess().TotalProcessorTime - clientBefore).TotalMilliseconds;
        var allocations = await server.AllocationsAsync(ct);
        // Turns whose speech ended in the window finish a few seconds later.
        await Task.Delay(options.StepGrace, ct);
        var memory = await server.StatsAsync(collect: true, ct);
        return Summarize(phase, calls, elapsed, before, after, seen, memory, idle, clientCpu, Machine.BusyPercent(machineBefore, machineAfter)) with
        {
            TopAllocations = allocations.Take(10).Select(a => new AllocationShare(a.Type, Math.Round(a.Mb * 1024 / (calls * elapsed.TotalSeconds), 1))).ToList(),
            CpuPressurePercent = Machine.CpuPressure(),
        };
    }

    private StepResult Summarize(PhaseData phase, int calls, TimeSpan elapsed, Stats before, Stats after, List<Stats> seen, Stats memory, Stats idle, double clientCpuMs, double machineBusy)
    {
        var (turns, bursts, setup, failures) = phase.Read(p => (p.Turns.ToList(), p.Bursts.ToList(), p.SetupMs.ToList(), p.Failures.ToList()));
        var answered = turns.Where(t => !t.Missed && t.ServerVoiceToVoiceMs is not null).ToList();
        var ms = elapsed.TotalMilliseconds;
        var cores = Environment.ProcessorCount;
        var serverCpu = after.CpuMs - before.CpuMs;
        var overhead = Summary.Of(answered.Select(t => t.OverheadMs!.Value));
        var underruns = bursts.Sum(b => b.Underruns);
        var missed = turns.Count(t => t.Missed);
        var problems = new List<string>();
        if (overhead is null) problems.Add("no answered turns");
        else if (overhead.P99 >= options.PassP99Ms) problems.Add($"overhead p99 {overhead.P99} ms ≥ {options.PassP99Ms} ms");
        if (underruns > 0) problems.Add($"{underruns} underruns");
        if (missed > 0) problems.Add($"{missed} unanswered turns");
        if (failures.Count > 0) problems.Add($"{failures.Count} call failures");
        double? PerCall(long now, long? baseline) => baseline is { } b ? Math.Round((now - b) / 1024.0 / calls, 1) : null;
        return new StepResult(
            calls,
            problems.Count == 0,
            problems.Count == 0 ? "pass" : "fail: " + string.Join(", ", problems),
            answered.Count,
            missed,
            failures.Count,
            phase.CallsCompleted,
            phase.ErrorEvents,
            phase.Interruptions,
            overhead,
            Summary.Of(answered.Where(t => t.ClientOverheadMs is not null).Select(t => t.ClientOverheadMs!.Value)),
            Summary.Of(answered.Where(t => t.PipelineMs is not null).Select(t => t.PipelineMs!.Value)),
            Summary.Of(answered.Where(t => t.ProviderLagMs is not null).Select(t => t.ProviderLagMs!.Value)),
            Summary.Of(answered.Select(t => t.ServerVoiceToVoiceMs!.Value)),
            Summary.Of(answered.Where(t => t.SttMs is not null).Select(t => t.SttMs!.Value)),
            Summary.Of(answered.Where(t => t.LlmTtftMs is not null).Select(t => t.LlmTtftMs!.Value)),
            Summary.Of(answered.Where(t => t.TtsTtfbMs is not null).Select(t => t.TtsTtfbMs!.Value)),
            Summary.Of(setup),
            bursts.Count,
            underruns,
            phase.FrameLateness.Summary(),
            phase.SendLag.Summary(),
            Math.Round(serverCpu / ms / cores * 100, 1),
            Math.Round(clientCpuMs / ms / cores * 100, 1),
            machineBusy,
            Math.Round(serverCpu / (calls * elapsed.TotalSeconds), 2),
            after.Gen0 - before.Gen0,
            after.Gen1 - before.Gen1,
            after.Gen2 - before.Gen2,
            Math.Round(after.GcPauseMs - before.GcPauseMs, 1),
            Math.Round((after.GcPauseMs - before.GcPauseMs) / ms * 100, 2),
            Math.Round((after.AllocatedBytes - before.AllocatedBytes) / Mb / elapsed.TotalSeconds, 1),
            Math.Round((after.AllocatedBytes - before.AllocatedBytes) / 1024.0 / (calls * elapsed.TotalSeconds), 1),
            Math.Round((after.LockContentions - before.LockContentions) / elapsed.TotalSeconds, 1),
            seen.Max(s => s.PendingWorkItems),
            seen.Max(s => s.ThreadPoolThreads),
            after.Timers,
            Math.Round(memory.RssBytes / Mb, 1),
            memory.LiveHeapBytes is { } live ? Math.Round(live / Mb, 1) : null,
            PerCall(memory.RssBytes, idle.RssBytes),
            memory.LiveHeapBytes is { } l2 ? PerCall(l2, idle.LiveHeapBytes) : null,
            Machine.LoadAverage(),
            failures.Take(5).ToArray());
    }

    private async Task SoakAsync(BenchResult result, int calls, CancellationToken ct)
    {
        await using var server = await StartServerAsync("soak", ct);
        var idle = await server.StatsAsync(collect: true, ct);
        Log($"soak: {calls} calls for {options.Soak}, {options.SoakTurnsPerCall} turns a call, then redial; idle RSS {idle.RssBytes / Mb:F1} MB");
        await using var load = NewLoad(server, options.SoakTurnsPerCall);
        load.Phase = new PhaseData("soak warm-up");
        load.AddCallers(calls);
        await Task.Delay(options.SoakWarmup, ct);
        var samples = new List<SoakSample>();
        var measured = await MeasureAsync(server, load, calls, options.Soak, idle, samples, ct);
        await load.StopAsync();

        var total = options.Soak.TotalSeconds;
        var minute = Math.Min(60, total / 4);
        var first = samples.Where(s => s.Seconds <= minute + 0.5).ToList();
        var last = samples.Where(s => s.Seconds >= total - minute - 0.5).ToList();
        var rssFirst = first.Average(s => s.RssMb);
        var rssLast = last.Average(s => s.RssMb);
        var liveFirst = samples.FirstOrDefault(s => s.LiveHeapMb is not null)?.LiveHeapMb;
        var liveEnd = measured.LiveHeapMb;
        result.Soak = new SoakResult(
            calls,
            Math.Round(options.Soak.TotalMinutes, 2),
            options.SoakTurnsPerCall,
            new IdleInfo(Math.Round(idle.RssBytes / Mb, 1), Math.Round(idle.LiveHeapBytes!.Value / Mb, 1)),
            measured,
            samples,
            Math.Round(rssFirst, 1),
            Math.Round(rssLast, 1),
            Math.Round(rssLast - rssFirst, 1),
            Math.Round((rssLast - rssFirst) / rssFirst * 100, 1),
            Math.Round(Slope(samples.Select(s => (s.Seconds / 60, s.RssMb)).ToList()), 2),
            Math.Round(first.Average(s => s.GcHeapMb), 1),
            Math.Round(last.Average(s => s.GcHeapMb), 1),
            liveFirst,
            liveEnd,
            liveFirst is { } a && liveEnd is { } b ? Math.Round(b - a, 1) : null);
        Log($"soak: {measured.Verdict}; calls completed {measured.CallsCompleted}, turns {measured.Turns}, overhead p99 {measured.OverheadMs?.P99} ms, " +
            $"RSS first minute {result.Soak.RssFirstMinuteMb} MB → last minute {result.Soak.RssLastMinuteMb} MB ({result.Soak.RssGrowthPercent:+0.0;-0.0}%), " +
            $"live heap {liveFirst} → {liveEnd} MB");
    }

    /// <summary>Least-squares slope of y over x.</summary>
    private static double Slope(List<(double X, double Y)> points)
    {
        if (points.Count < 2) return 0;
        var mx = points.Average(p => p.X);
        var my = points.Average(p => p.Y);
        var num = points.Sum(p => (p.X - mx) * (p.Y - my));
        var den = points.Sum(p => (p.X - mx) * (p.X - mx));
        return den == 0 ? 0 : num / den;
    }

    internal static void Log(string message) => Console.WriteLine($"[{DateTime.Now:HH:mm:ss}] {message}");
}
