using System.Runtime.CompilerServices;
using System.Text.Json;
using Microsoft.Extensions.Options;
using VoiceAgents.Core.Domain;
using VoiceAgents.VoiceHost.Audio;

namespace VoiceAgents.VoiceHost.Providers.Ai4Bharat;

/// <summary>Settings of a self-hosted AI4Bharat Indic-TTS server (section <c>Providers:Ai4Bharat</c>).</summary>
public sealed class Ai4BharatTtsOptions
{
    public const string Section = "Providers:Ai4Bharat";

    /// <summary>
    /// The URL the request is POSTed to: the root of an Indic-TTS <c>uvicorn server:api</c> (<c>http://host:5050/</c>),
    /// or a Dhruva-style inference URL (<c>https://host/services/inference/tts</c>). No default: it is self-hosted.
    /// </summary>
    public string? BaseUrl { get; set; }

    /// <summary>Optional; sent as the <c>Authorization</c> header (as Dhruva expects) when set.</summary>
    public string? ApiKey { get; set; }

    /// <summary>Optional; sent as <c>config.serviceId</c> (Dhruva picks the model by it).</summary>
    public string? ServiceId { get; set; }

    /// <summary>Used when the agent names no voice: <c>female</c> or <c>male</c>.</summary>
    public string Gender { get; set; } = "female";

    /// <summary>Longest wait for the response; the server synthesizes the whole sentence before answering.</summary>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(15);

    public bool IsConfigured => !string.IsNullOrWhiteSpace(BaseUrl);
}

/// <summary>
/// The <c>ai4bharat</c> TTS: a self-hosted AI4Bharat Indic-TTS server (FastPitch + HiFi-GAN for Indian languages),
/// called with the ULCA-style contract that its reference server and Dhruva share:
/// <code>
/// POST {BaseUrl}
/// {"input":[{"source":"नमस्ते"}],"config":{"language":{"sourceLanguage":"hi"},"gender":"female","samplingRate":16000}}
/// 200 {"audio":[{"audioContent":"&lt;base64 WAV&gt;"}],"config":{"language":{"sourceLanguage":"hi"},"audioFormat":"wav","encoding":"base64","samplingRate":16000}}
/// 200 {"status":"ERROR","status_text":"Unsupported language!"}
/// </code>
/// The agent's voice is the speaker's gender, the language is the primary subtag of the agent's language
/// (<c>hi-IN</c> → <c>hi</c>); speed is not part of the contract and is ignored. The WAV header gives the real
/// sample rate. The whole clip is then streamed out in 20 ms chunks. See README-tts.md beside this file.
/// </summary>
public sealed class Ai4BharatTts(IOptions<Ai4BharatTtsOptions> options) : ITtsProvider, IDisposable
{
    public const int RequestedSampleRate = 16000;

    private readonly Ai4BharatTtsOptions _options = options.Value;
    private readonly HttpClient _http = VendorCall.CreateHttpClient();

    public string Name => "ai4bharat";

    public async IAsyncEnumerable<AudioChunk> SynthesizeAsync(string text, TtsConfig config, string language, [EnumeratorCancellation] CancellationToken ct)
    {
        if (!_options.IsConfigured || !Uri.TryCreate(_options.BaseUrl, UriKind.Absolute, out var uri))
        {
            throw new ProviderException(Name, "not configured: Providers:Ai4Bharat:BaseUrl is not set to an absolute URL");
        }
        var requestConfig = new Dictionary<string, object>
        {
            ["language"] = new { sourceLanguage = Language(language) },
            ["gender"] = string.IsNullOrWhiteSpace(config.Voice) ? _options.Gender : config.Voice.Trim().ToLowerInvariant(),
            ["samplingRate"] = RequestedSampleRate,
        };
        if (!string.IsNullOrWhiteSpace(_options.ServiceId)) requestConfig["serviceId"] = _options.ServiceId;
        var body = new { input = new[] { new { source = text } }, config = requestConfig };
        var headers = string.IsNullOrWhiteSpace(_options.ApiKey) ? null : new Dictionary<string, string> { ["Authorization"] = _options.ApiKey };

        using var deadline = new StreamDeadline(_options.Timeout, ct);
        using var reply = await HttpTts.PostJsonAsync(_http, Name, uri, body, headers, deadline);
        var root = reply.RootElement;
        if (root.ValueKind != JsonValueKind.Object) throw new ProviderException(Name, "the reply is not a JSON object");
        if (root.TryGetProperty("status", out var status) && status.ValueKind == JsonValueKind.String && status.GetString() == "ERROR")
        {
            throw new ProviderException(Name, VendorCall.ErrorMessage(root.GetRawText()));
        }
        string? audio = null;
        if (root.TryGetProperty("audio", out var clips) && clips.ValueKind == JsonValueKind.Array && clips.GetArrayLength() > 0
            && clips[0].TryGetProperty("audioContent", out var content))
        {
            audio = content.GetString();
        }
        var rawRate = root.TryGetProperty("config", out var c) && c.TryGetProperty("samplingRate", out var r) && r.TryGetInt32(out var rate) ? rate : RequestedSampleRate;
        var (samples, sampleRate) = HttpTts.DecodeAudio(Name, audio, rawRate);
        foreach (var chunk in HttpTts.Chunks(samples, sampleRate))
        {
            ct.ThrowIfCancellationRequested();
            yield return chunk;
        }
    }

    /// <summary>Indic-TTS language codes: <c>hi</c>, <c>ta</c>, <c>brx</c>, <c>mni</c>, and <c>en+hi</c> for Hinglish.</summary>
    public static string Language(string? language) =>
        language?.Contains('+') == true ? language.ToLowerInvariant() : HttpTts.PrimaryLanguage(language, "hi");

    public void Dispose() => _http.Dispose();
}
