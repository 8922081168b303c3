using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Options;
using VoiceAgents.Core.Domain;
using VoiceAgents.VoiceHost.Audio;

namespace VoiceAgents.VoiceHost.Providers.Ai4Bharat;

/// <summary>
/// Speech-to-text for Indian languages with AI4Bharat's IndicConformer, on a self-hosted server that speaks the
/// ULCA inference contract of AI4Bharat's Dhruva platform. Batch: an utterance is buffered and sent when finalized.
/// <code>
/// POST {BaseUrl}{Path}?serviceId={ServiceId}          (Path defaults to /services/inference/asr)
/// Authorization: {ApiKey}                              (only when configured, with x-auth-source: API_KEY)
/// Content-Type: application/json
///
/// {"controlConfig":{"dataTracking":false},
///  "config":{"serviceId":"…","language":{"sourceLanguage":"hi"},"audioFormat":"wav","encoding":"base64",
///            "samplingRate":16000,"transcriptionFormat":{"value":"transcript"}},
///  "audio":[{"audioContent":"&lt;base64 of a 16 kHz mono PCM16 WAV file&gt;"}]}
///
/// 200 → {"output":[{"source":"&lt;transcript&gt;"}],"config":null}
/// 4xx/5xx → {"detail":{"kind":"…","message":"…"}}   (or FastAPI's {"detail":"…"} / {"detail":[{"msg":"…"}]})
/// </code>
/// The language sent is the agent's language without its region (<c>hi-IN</c> → <c>hi</c>).
/// </summary>
public sealed class Ai4BharatStt(IHttpClientFactory http, IOptions<Ai4BharatSttOptions> options) : ISttProvider, IDescribedProvider
{
    public const string ProviderName = "ai4bharat";

    public static ProviderDescriptor Descriptor { get; } = new ProviderDescriptor<Ai4BharatStt, Ai4BharatSttOptions>
    {
        Info = new(ProviderName, "AI4Bharat IndicConformer (self-hosted)", Offline: false, [
            new("language", "string", "ISO 639-1", ["hi", "ta", "te", "bn", "mr", "kn", "ml", "gu"])]),
        Order = 30,
        Section = Ai4BharatSttOptions.Section,
        Settings = ["BaseUrl", "ApiKey"],
        IsConfigured = o => o.IsConfigured,
    };

    public string Name => ProviderName;

    public ValueTask<ISttSession> ConnectAsync(SttConfig config, CancellationToken ct)
    {
        if (!options.Value.IsConfigured) throw new ProviderException(ProviderName, $"not configured: set {Ai4BharatSttOptions.Section}:BaseUrl");
        var language = SourceLanguage(config.Language) ?? options.Value.DefaultLanguage;
        return ValueTask.FromResult<ISttSession>(new BatchSttSession((audio, token) => TranscribeAsync(audio, language, token)));
    }

    /// <summary>ULCA names languages by ISO 639 code alone.</summary>
    public static string? SourceLanguage(string? language) =>
        string.IsNullOrWhiteSpace(language) ? null : language.Split('-', '_')[0].ToLowerInvariant();

    /// <summary>Transcribes one utterance of 16 kHz PCM16.</summary>
    public async Task<SttResult> TranscribeAsync(ReadOnlyMemory<short> pcm16k, string language, CancellationToken ct)
    {
        var o = options.Value;
        var config = new JsonObject
        {
            ["language"] = new JsonObject { ["sourceLanguage"] = language },
            ["audioFormat"] = "wav",
            ["encoding"] = "base64",
            ["samplingRate"] = 16000,
            ["transcriptionFormat"] = new JsonObject { ["value"] = "transcript" },
        };
        if (!string.IsNullOrWhiteSpace(o.ServiceId)) config["serviceId"] = o.ServiceId;
        var body = new JsonObject
        {
            ["controlConfig"] = new JsonObject { ["dataTracking"] = false },
            ["config"] = config,
            ["audio"] = new JsonArray(new JsonObject { ["audioContent"] = Convert.ToBase64String(ToWav(pcm16k.Span)) }),
        };
        var uri = $"{o.BaseUrl!.TrimEnd('/')}/{o.Path.TrimStart('/')}";
        if (!string.IsNullOrWhiteSpace(o.ServiceId)) uri += $"?serviceId={Uri.EscapeDataString(o.ServiceId)}";
        using var request = new HttpRequestMessage(HttpMethod.Post, uri)
        {
            Content = new StringContent(body.ToJsonString(), Encoding.UTF8, "application/json"),
        };
        if (!string.IsNullOrWhiteSpace(o.ApiKey))
        {
            request.Headers.TryAddWithoutValidation("Authorization", o.ApiKey);
            request.Headers.TryAddWithoutValidation("x-auth-source", "API_KEY");
        }
        using var deadline = StreamDeadline.Whole(o.Timeout, ct);
        var response = await VendorHttp.SendAsync(http.CreateClient(Descriptor.Key), ProviderName, request, deadline, ServerError);
        return VendorHttp.Read(ProviderName, response, root =>
        {
            var texts = root.GetProperty("output").EnumerateArray()
                .Select(o => o.Text("source")?.Trim())
                .Where(t => !string.IsNullOrEmpty(t));
            return new SttResult(string.Join(' ', texts), true);
        });
    }

    private static byte[] ToWav(ReadOnlySpan<short> pcm)
    {
        var data = MemoryMarshal.AsBytes(pcm);
        using var stream = new MemoryStream(44 + data.Length);
        Wav.WriteHeader(stream, 16000, 1, data.Length);
        stream.Write(data);
        return stream.ToArray();
    }

    private static string? ServerError(JsonElement root)
    {
        if (!root.TryGetProperty("detail", out var detail)) return root.Text("message") ?? root.Text("error");
        return detail.ValueKind switch
        {
            JsonValueKind.String => detail.GetString(),
            JsonValueKind.Object => (detail.Text("kind"), detail.Text("message")) switch
            {
                (null, var message) => message,
                (var kind, null) => kind,
                var (kind, message) => $"{kind}: {message}",
            },
            JsonValueKind.Array => string.Join("; ", detail.EnumerateArray().Select(d => d.Text("msg")).Where(m => m is not null)),
            _ => null,
        };
    }
}
