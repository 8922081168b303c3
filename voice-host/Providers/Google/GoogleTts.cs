using System.Net.Http.Json;
using System.Runtime.CompilerServices;
using Microsoft.Extensions.Options;
using VoiceAgents.Core.Domain;
using VoiceAgents.VoiceHost.Audio;

namespace VoiceAgents.VoiceHost.Providers.Google;

/// <summary>
/// The <c>google</c> TTS: Google Cloud Text-to-Speech's REST <c>text:synthesize</c>, asking for LINEAR16 at 16 kHz.
/// The API answers with the whole sentence (a base64 WAV), which is then streamed out in 20 ms chunks. The agent's
/// voice is a Google voice name (<c>en-US-Neural2-F</c>), whose language prefix wins over the agent's language;
/// without one Google picks a voice for the language.
/// </summary>
public sealed class GoogleTts(IOptions<GoogleTtsOptions> options, IHttpClientFactory http) : ITtsProvider, IDescribedProvider
{
    public const int SampleRate = 16000;

    public static ProviderDescriptor Descriptor { get; } = new ProviderDescriptor<GoogleTts, GoogleTtsOptions>
    {
        Info = new("google", "Google Text-to-Speech", Offline: false, [
            new("voice", "string", "Voice name", ["en-US-Neural2-F", "en-US-Neural2-D", "en-IN-Neural2-A", "hi-IN-Neural2-A"]),
            new("speed", "number", "0.5 to 2")]),
        Order = 20,
        Section = GoogleTtsOptions.Section,
        Settings = ["ApiKey"],
        IsConfigured = o => o.IsConfigured,
    };

    private readonly GoogleTtsOptions _options = options.Value;

    public string Name => Descriptor.Name;

    public async IAsyncEnumerable<AudioChunk> SynthesizeAsync(string text, TtsConfig config, string language, [EnumeratorCancellation] CancellationToken ct)
    {
        if (!_options.IsConfigured) throw new ProviderException(Name, $"not configured: {GoogleTtsOptions.Section}:ApiKey is not set");
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
        using var request = new HttpRequestMessage(HttpMethod.Post, uri) { Content = JsonContent.Create(body) };
        var reply = await VendorHttp.SendAsync(http.CreateClient(Descriptor.Key), Name, request, deadline);
        var audio = VendorHttp.Read(Name, reply, root => root.Text("audioContent"));
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
}
