using System.Runtime.CompilerServices;
using System.Text.Json;
using Microsoft.Extensions.Options;
using VoiceAgents.Core.Domain;
using VoiceAgents.VoiceHost.Audio;

namespace VoiceAgents.VoiceHost.Providers.Google;

/// <summary>Google Cloud Text-to-Speech settings (section <c>Providers:Google</c>).</summary>
public sealed class GoogleTtsOptions
{
    public const string Section = "Providers:Google";
    public const string DefaultBaseUrl = "https://texttospeech.googleapis.com";

    /// <summary>An API key restricted to the Text-to-Speech API, sent as the <c>key</c> query parameter.</summary>
    public string? ApiKey { get; set; }

    public string BaseUrl { get; set; } = DefaultBaseUrl;

    /// <summary>Longest wait for the response.</summary>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(10);

    public bool IsConfigured => !string.IsNullOrWhiteSpace(ApiKey);
}

/// <summary>
/// The <c>google</c> TTS: Google Cloud Text-to-Speech's REST <c>text:synthesize</c>, asking for LINEAR16 at 16 kHz.
/// The API answers with the whole sentence (a base64 WAV), which is then streamed out in 20 ms chunks. The agent's
/// voice is a Google voice name (<c>en-US-Neural2-F</c>), whose language prefix wins over the agent's language;
/// without one Google picks a voice for the language.
/// </summary>
public sealed class GoogleTts(IOptions<GoogleTtsOptions> options) : ITtsProvider, IDisposable
{
    public const int SampleRate = 16000;

    private readonly GoogleTtsOptions _options = options.Value;
    private readonly HttpClient _http = VendorCall.CreateHttpClient();

    public string Name => "google";

    public async IAsyncEnumerable<AudioChunk> SynthesizeAsync(string text, TtsConfig config, string language, [EnumeratorCancellation] CancellationToken ct)
    {
        if (!_options.IsConfigured) throw new ProviderException(Name, "not configured: Providers:Google:ApiKey is not set");
        var voice = new Dictionary<string, object> { ["languageCode"] = LanguageCode(config.Voice, language) };
        if (!string.IsNullOrWhiteSpace(config.Voice)) voice["name"] = config.Voice;
        var audioConfig = new Dictionary<string, object> { ["audioEncoding"] = "LINEAR16", ["sampleRateHertz"] = SampleRate };
        if (config.Speed is { } speed) audioConfig["speakingRate"] = Math.Clamp(speed, 0.25, 4.0);
        var body = new Dictionary<string, object>
        {
            ["input"] = new { text },
            ["voice"] = voice,
            ["audioConfig"] = audioConfig,
        };
        var uri = new Uri($"{_options.BaseUrl.TrimEnd('/')}/v1/text:synthesize?key={Uri.EscapeDataString(_options.ApiKey!)}");

        using var deadline = new StreamDeadline(_options.Timeout, ct);
        using var reply = await HttpTts.PostJsonAsync(_http, Name, uri, body, headers: null, deadline);
        var audio = reply.RootElement.ValueKind == JsonValueKind.Object && reply.RootElement.TryGetProperty("audioContent", out var a) ? a.GetString() : null;
        var (samples, rate) = HttpTts.DecodeAudio(Name, audio, SampleRate);
        foreach (var chunk in HttpTts.Chunks(samples, rate))
        {
            ct.ThrowIfCancellationRequested();
            yield return chunk;
        }
    }

    /// <summary>A voice name starts with its language (<c>hi-IN-Wavenet-A</c>); otherwise the agent's language.</summary>
    public static string LanguageCode(string? voice, string? language)
    {
        var parts = voice?.Split('-') ?? [];
        if (parts.Length >= 3 && parts[0].Length is 2 or 3 && parts[1].Length is 2 or 3) return $"{parts[0]}-{parts[1]}";
        return string.IsNullOrWhiteSpace(language) ? "en-US" : language;
    }

    public void Dispose() => _http.Dispose();
}
