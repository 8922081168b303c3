using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Options;
using VoiceAgents.Core.Domain;

namespace VoiceAgents.VoiceHost.Providers.Google;

/// <summary>
/// Google Cloud Speech-to-Text v1, synchronous REST recognition: an utterance is buffered and sent to
/// <c>POST {base}/v1/speech:recognize?key=…</c> as base64 LINEAR16 at 16 kHz when it is finalized. The transcript
/// joins the best alternative of each result. Errors come back as <c>{"error":{"code","message","status"}}</c>.
/// </summary>
public sealed class GoogleStt(IHttpClientFactory http, IOptions<GoogleSttOptions> options) : ISttProvider, IDescribedProvider
{
    public const string ProviderName = "google";

    public static ProviderDescriptor Descriptor { get; } = new ProviderDescriptor<GoogleStt, GoogleSttOptions>
    {
        Info = new(ProviderName, "Google Speech-to-Text", Offline: false, [
            new("language", "string", "BCP-47; a bare language takes its first listed region", ["en-US", "en-IN", "hi-IN", "ta-IN"], Regions: true)]),
        Order = 20,
        Section = GoogleSttOptions.Section,
        Settings = ["ApiKey"],
        IsConfigured = o => o.IsConfigured,
    };

    public string Name => ProviderName;

    public ValueTask<ISttSession> ConnectAsync(SttConfig config, CancellationToken ct)
    {
        if (!options.Value.IsConfigured) throw new ProviderException(ProviderName, $"not configured: set {GoogleSttOptions.Section}:ApiKey");
        var language = string.IsNullOrWhiteSpace(config.Language) ? options.Value.DefaultLanguage : config.Language;
        return ValueTask.FromResult<ISttSession>(new BatchSttSession((audio, token) => RecognizeAsync(audio, language, token)));
    }

    /// <summary>Transcribes one utterance of 16 kHz PCM16.</summary>
    public async Task<SttResult> RecognizeAsync(ReadOnlyMemory<short> pcm16k, string language, CancellationToken ct)
    {
        var o = options.Value;
        var config = new JsonObject
        {
            ["encoding"] = "LINEAR16",
            ["sampleRateHertz"] = 16000,
            ["languageCode"] = language,
        };
        if (!string.IsNullOrWhiteSpace(o.Model)) config["model"] = o.Model;
        if (o.EnableAutomaticPunctuation) config["enableAutomaticPunctuation"] = true;
        var body = new JsonObject
        {
            ["config"] = config,
            // LINEAR16 is little-endian, as are the platforms .NET runs this host on.
            ["audio"] = new JsonObject { ["content"] = Convert.ToBase64String(MemoryMarshal.AsBytes(pcm16k.Span)) },
        };
        using var request = new HttpRequestMessage(HttpMethod.Post, $"{o.BaseUrl.TrimEnd('/')}/v1/speech:recognize?key={Uri.EscapeDataString(o.ApiKey!)}")
        {
            Content = new StringContent(body.ToJsonString(), Encoding.UTF8, "application/json"),
        };
        using var deadline = StreamDeadline.Whole(o.Timeout, ct);
        var response = await VendorHttp.SendAsync(http.CreateClient(Descriptor.Key), ProviderName, request, deadline, GoogleError);
        return VendorHttp.Read(ProviderName, response, ReadResults);
    }

    private static SttResult ReadResults(JsonElement root)
    {
        var texts = new List<string>();
        double confidence = 0;
        var scored = 0;
        // No speech recognized comes back as an empty object.
        if (root.TryGetProperty("results", out var results) && results.ValueKind == JsonValueKind.Array)
        {
            foreach (var result in results.EnumerateArray())
            {
                if (!result.TryGetProperty("alternatives", out var alternatives) || alternatives.ValueKind != JsonValueKind.Array || alternatives.GetArrayLength() == 0) continue;
                var best = alternatives[0];
                if (best.Text("transcript")?.Trim() is { Length: > 0 } text) texts.Add(text);
                if (best.TryGetProperty("confidence", out var c) && c.ValueKind == JsonValueKind.Number)
                {
                    confidence += c.GetDouble();
                    scored++;
                }
            }
        }
        return new SttResult(string.Join(' ', texts), true, scored > 0 ? confidence / scored : null);
    }

    private static string? GoogleError(JsonElement root)
    {
        if (!root.TryGetProperty("error", out var error) || error.ValueKind != JsonValueKind.Object) return null;
        var message = error.Text("message");
        var status = error.Text("status");
        return (status, message) switch
        {
            (null, null) => null,
            (null, _) => message,
            (_, null) => status,
            _ => $"{status}: {message}",
        };
    }
}
