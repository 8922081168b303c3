using System.ComponentModel.DataAnnotations;
using VoiceAgents.VoiceHost.Pipeline;

namespace VoiceAgents.VoiceHost.Configuration;

/// <summary>voice-host settings (section "Voice").</summary>
public sealed class VoiceOptions
{
    public const string Section = "Voice";
    public const string QueueSink = "queue";
    public const string LocalSink = "local";

    /// <summary>Silero VAD model (.onnx from npm @ricky0123/vad-web, installed by infra/local/install.sh).</summary>
    public string VadModelPath { get; set; } = "";

    /// <summary>Speech probability at which the VAD starts, and below which it stops, counting speech.</summary>
    [Range(0.05, 0.99)] public double VadStartThreshold { get; set; } = 0.5;
    [Range(0.01, 0.99)] public double VadStopThreshold { get; set; } = 0.35;

    /// <summary>Speech needed before the VAD reports a start (default 200 ms); no barge-in is shorter, and an agent's <c>interruption.min_duration_ms</c> may ask for longer.</summary>
    [Range(0.032, 2.0)] public double VadStartSeconds { get; set; } = 0.2;

    /// <summary>Silence that ends a stretch of speech for the VAD.</summary>
    [Range(0.032, 2.0)] public double VadStopSeconds { get; set; } = 0.2;

    /// <summary>Silence after speech that ends the user's turn, 0.5 to 3 s.</summary>
    [Range(0.5, 3.0)] public double TurnEndSeconds { get; set; } = 0.8;

    /// <summary>Keypad keys pressed with less than this between them are one entry (<c>#</c> ends an entry at once).</summary>
    [Range(0.2, 10.0)] public double KeypadInterDigitSeconds { get; set; } = 2.0;

    /// <summary>
    /// Caller silence that ends a call (reason <c>silence</c>) when its agent sets no <c>silence.hangup_after_s</c>:
    /// no speech, and no key pressed, for this long, not counting the time the bot speaks. A phone line sends
    /// silence continuously, so the <see cref="IdleTimeout"/> of messages never ends a call whose caller has gone.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:01", "01:00:00")] public TimeSpan SilenceTimeout { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>How far ahead of real time audio may be sent, so the client never runs dry.</summary>
    [Range(0.0, 1.0)] public double OutputLeadSeconds { get; set; } = 0.08;

    public TimeSpan AuthTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// How far caller audio may run ahead of real time before the call is closed (4429): real time plus this burst,
    /// for network jitter. A flood of audio is refused here instead of filling the pipeline, the disk and S3.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "01:00:00")] public TimeSpan AudioBurst { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>Calls this instance serves at once (browser and phone); one more is refused with close code 1013.</summary>
    [Range(1, 100_000)] public int MaxConcurrentCalls { get; set; } = 100;

    /// <summary>Caller audio frames that may wait on each stage of a call's pipeline before the stage before it waits.</summary>
    [Range(1, 10_000)] public int PipelineAudioQueue { get; set; } = FrameProcessor.DefaultAudioBound;

    /// <summary>Data frames (text, sentences, 20 ms of reply audio each) that may wait on each stage of a pipeline.</summary>
    [Range(1, 10_000)] public int PipelineDataQueue { get; set; } = FrameProcessor.DefaultDataBound;

    /// <summary>Messages that may wait for a call's socket; reply audio waits for room, events beyond it are dropped.</summary>
    [Range(16, 100_000)] public int SocketQueue { get; set; } = 256;

    /// <summary>
    /// Where the operator's endpoints listen (the detailed <c>/health</c>): a port of its own, never the public one.
    /// Default <c>http://127.0.0.1:7861</c>; in a container <c>http://+:7861</c>, which the ingress does not expose.
    /// Empty turns them off.
    /// </summary>
    public string? OperatorUrl { get; set; } = "http://127.0.0.1:7861";
    /// <summary>How long a tool may run before the agent says the tool's <c>speak_while_running</c> line (once per turn).</summary>
    [Range(typeof(TimeSpan), "00:00:00", "00:01:00")] public TimeSpan ToolSpeakAfter { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// How long voice-host keeps an agent's configuration between calls (<c>AgentConfigurations</c>): a change made
    /// through the API reaches the next call within this time. Zero reads the agent for every call.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00", "00:00:05")] public TimeSpan AgentCacheTtl { get; set; } = TimeSpan.FromSeconds(3);

    /// <summary>Agents kept at once by <see cref="AgentCacheTtl"/>'s cache.</summary>
    [Range(1, 1_000_000)] public int AgentCacheEntries { get; set; } = 10_000;

    /// <summary>
    /// Memory for the synthesized first words of greetings (<c>GreetingAudio</c>), kept per agent, voice and
    /// rendered text; zero synthesizes every greeting during its call's setup instead.
    /// </summary>
    [Range(0, 4096)] public int GreetingCacheMegabytes { get; set; } = 32;

    /// <summary>
    /// Whether a greeting's first audio is made while its call is set up (and cached); off, the TTS stage synthesizes
    /// it after <c>ready</c>, as before (bench/FirstWord's "before").
    /// </summary>
    public bool PrepareGreeting { get; set; } = true;

    public TimeSpan IdleTimeout { get; set; } = TimeSpan.FromMinutes(2);
    public TimeSpan MaxCallDuration { get; set; } = TimeSpan.FromMinutes(30);
    public int MaxMessageBytes { get; set; } = 64 * 1024;

    /// <summary>Where the local call sink writes recordings and call records.</summary>
    public string CallsFolder { get; set; } = "";

    /// <summary>
    /// Where finished calls go: <c>queue</c> (the recording to S3, then a call-completed message) or <c>local</c>
    /// (<see cref="CallsFolder"/>). Unset, it is <c>queue</c> when a storage connection string is configured
    /// (<c>Queues:ConnectionString</c> or <c>AzureWebJobsStorage</c>), else <c>local</c>.
    /// </summary>
    public string? CallSink { get; set; }

    /// <summary>
    /// The queue sink's spool: calls wait here until S3 and the queue have them, also across restarts. Put it on a
    /// persistent volume in a container, one folder per voice-host instance. Default: voiceagents-calls/spool under
    /// the temp folder.
    /// </summary>
    public string SpoolFolder { get; set; } = "";

    /// <summary>The wait before a spooled call is tried again; it doubles (with jitter) up to <see cref="SpoolMaxRetryDelay"/>.</summary>
    public TimeSpan SpoolRetryDelay { get; set; } = TimeSpan.FromSeconds(2);
    public TimeSpan SpoolMaxRetryDelay { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>
    /// On SIGTERM, how long live calls may continue before they are ended with reason <c>shutdown</c>; new calls are
    /// refused from the start of the drain. The host's shutdown timeout is set to cover it.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00", "01:00:00")] public TimeSpan DrainTimeout { get; set; } = TimeSpan.FromSeconds(120);

    /// <summary>The longest one delivery (recording upload and enqueue) may take before it counts as failed.</summary>
    public TimeSpan DeliveryTimeout { get; set; } = TimeSpan.FromMinutes(5);
}
