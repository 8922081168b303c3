using System.Net.Http.Json;
using System.Runtime.CompilerServices;
using System.Text.Json;
using Microsoft.Extensions.Options;
using VoiceAgents.Core.Domain;
using VoiceAgents.VoiceHost.Audio;

namespace VoiceAgents.VoiceHost.Providers.Ai4Bharat;

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
public sealed class Ai4BharatTts(IOptions<Ai4BharatTtsOptions> options, IHttpClientFactory http) : ITtsProvider, IDescribedProvider
{
    public const int RequestedSampleRate = 16000;

    public static ProviderDescriptor Descriptor { get; } = new ProviderDescriptor<Ai4BharatTts, Ai4BharatTtsOptions>
    {
        Info = new("ai4bharat", "AI4Bharat Indic TTS (self-hosted)", Offline: false, [
            new("voice", "string", "Speaker", ["female", "male"]),
            new("speed", "number", "0.5 to 2")]),
        Order = 30,
        Section = Ai4BharatTtsOptions.Section,
        Settings = ["BaseUrl", "ApiKey"],
        IsConfigured = o => o.IsConfigured,
    };

    private readonly Ai4BharatTtsOptions _options = options.Value;

    public string Name => Descriptor.Name;

    public async IAsyncEnumerable<AudioChunk> SynthesizeAsync(string text, TtsConfig config, string language, [EnumeratorCancellation] CancellationToken ct)
    {
        if (!_options.IsConfigured || !Uri.TryCreate(_options.BaseUrl, UriKind.Absolute, out var uri))
        {
            throw new ProviderException(Name, $"not configured: {Ai4BharatTtsOptions.Section}:BaseUrl is not set to an absolute URL");
        }
        var requestConfig = new Dictionary<string, object>
        {
            ["language"] = new { sourceLanguage = Language(language) },
            ["gender"] = string.IsNullOrWhiteSpace(config.Voice) ? _options.Gender : config.Voice.Trim().ToLowerInvariant(),
            ["samplingRate"] = RequestedSampleRate,
        };
        if (!string.IsNullOrWhiteSpace(_options.ServiceId)) requestConfig["serviceId"] = _options.ServiceId;
        var body = new { input = new[] { new { source = text } }, config = requestConfig };
        using var request = new HttpRequestMessage(HttpMethod.Post, uri) { Content = JsonContent.Create(body) };
        if (!string.IsNullOrWhiteSpace(_options.ApiKey)) request.Headers.TryAddWithoutValidation("Authorization", _options.ApiKey);

        using var deadline = new StreamDeadline(_options.Timeout, ct);
        var reply = await VendorHttp.SendAsync(http.CreateClient(Descriptor.Key), Name, request, deadline);
        var (audio, rawRate) = VendorHttp.Read(Name, reply, Clip);
        var (samples, sampleRate) = HttpTts.DecodeAudio(Name, audio, rawRate);
        foreach (var chunk in HttpTts.Chunks(samples, sampleRate))
        {
            ct.ThrowIfCancellationRequested();
            yield return chunk;
        }
    }

    /// <summary>The base64 clip of a reply, and the sample rate its config gives raw audio; an error reply throws.</summary>
    private static (string? Audio, int RawRate) Clip(JsonElement root)
    {
        if (root.ValueKind != JsonValueKind.Object) throw new ProviderException(Descriptor.Name, "the reply is not a JSON object");
        if (root.TryGetProperty("status", out var status) && status.ValueKind == JsonValueKind.String && status.GetString() == "ERROR")
        {
            throw new ProviderException(Descriptor.Name, VendorCall.ErrorMessage(root.GetRawText()));
        }
        string? audio = null;
        if (root.TryGetProperty("audio", out var clips) && clips.ValueKind == JsonValueKind.Array && clips.GetArrayLength() > 0
            && clips[0].TryGetProperty("audioContent", out var content))
        {
            audio = content.GetString();
        }
        var rawRate = root.TryGetProperty("config", out var c) && c.TryGetProperty("samplingRate", out var r) && r.TryGetInt32(out var rate) ? rate : RequestedSampleRate;
        return (audio, rawRate);
    }

    /// <summary>Indic-TTS language codes: <c>hi</c>, <c>ta</c>, <c>brx</c>, <c>mni</c>, and <c>en+hi</c> for Hinglish.</summary>
    public static string Language(string? language) =>
        language?.Contains('+') == true ? language.ToLowerInvariant() : HttpTts.PrimaryLanguage(language, "hi");
}
