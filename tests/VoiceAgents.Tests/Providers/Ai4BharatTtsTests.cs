using System.Text.Json;
using Microsoft.Extensions.Options;
using VoiceAgents.Core.Domain;
using VoiceAgents.Tests.Providers.VendorServers;
using VoiceAgents.VoiceHost.Providers.Ai4Bharat;
using VoiceAgents.VoiceHost.Providers;
using static VoiceAgents.Tests.Providers.VendorServers.ProviderTestKit;

namespace VoiceAgents.Tests.Providers;

/// <summary>
/// A self-hosted AI4Bharat Indic-TTS server (its <c>uvicorn server:api</c>, or Dhruva): the ULCA-style
/// <c>{"input":[{"source"}],"config":{...}}</c> request and <c>{"audio":[{"audioContent"}],"config":{...}}</c> reply.
/// </summary>
public sealed class Ai4BharatTtsTests : HttpTtsContract
{
    protected override ITtsProvider Create(LoopbackServer server, TimeSpan timeout) => new Ai4BharatTts(
        Options.Create(new Ai4BharatTtsOptions { BaseUrl = server.BaseUri.ToString(), Timeout = timeout }), Http);

    protected override TtsConfig Config => new() { Provider = "ai4bharat", Voice = "male" };

    protected override string Language => "hi-IN";

    protected override string Reply(byte[] wav) => JsonSerializer.Serialize(new
    {
        audio = new[] { new { audioContent = Convert.ToBase64String(wav) } },
        config = new { language = new { sourceLanguage = "hi" }, audioFormat = "wav", encoding = "base64", samplingRate = 22050 },
    });

    protected override (int, string, string) Error => (422,
        """{"detail":[{"loc":["body","config","gender"],"msg":"field required","type":"value_error.missing"}]}""",
        "field required");

    [Fact]
    public async Task Sends_the_text_language_and_gender_in_the_ulca_format()
    {
        await using var server = await LoopbackServer.StartAsync(c => AnswerAsync(c, Wire.RampWav(320, 16000)));

        await CollectAsync(Create(server).SynthesizeAsync("नमस्ते, हम नौ बजे खुलते हैं।", Config, "hi-IN", default));

        var request = server.Single();
        Assert.Equal("POST", request.Method);
        Assert.Equal("/", request.Path);
        Assert.Null(request.Header("Authorization"));
        using var body = JsonDocument.Parse(request.Body);
        var root = body.RootElement;
        Assert.Equal("नमस्ते, हम नौ बजे खुलते हैं।", Assert.Single(root.GetProperty("input").EnumerateArray()).GetProperty("source").GetString());
        var config = root.GetProperty("config");
        Assert.Equal("hi", config.GetProperty("language").GetProperty("sourceLanguage").GetString());
        Assert.Equal("male", config.GetProperty("gender").GetString());
        Assert.Equal(16000, config.GetProperty("samplingRate").GetInt32());
    }

    [Fact]
    public async Task With_a_key_and_service_id_it_calls_like_dhruva_and_defaults_the_gender()
    {
        await using var server = await LoopbackServer.StartAsync(c => AnswerAsync(c, Wire.RampWav(320, 16000)));
        var tts = new Ai4BharatTts(Options.Create(new Ai4BharatTtsOptions
        {
            BaseUrl = new Uri(server.BaseUri, "services/inference/tts").ToString(),
            ApiKey = "dhruva-key",
            ServiceId = "ai4bharat/indic-tts-coqui-dravidian-gpu--t4",
        }), Http);

        await CollectAsync(tts.SynthesizeAsync("வணக்கம்", new TtsConfig { Provider = "ai4bharat" }, "ta-IN", default));

        var request = server.Single();
        Assert.Equal("/services/inference/tts", request.Path);
        Assert.Equal("dhruva-key", request.Header("Authorization"));
        var config = JsonDocument.Parse(request.Body).RootElement.GetProperty("config");
        Assert.Equal("ai4bharat/indic-tts-coqui-dravidian-gpu--t4", config.GetProperty("serviceId").GetString());
        Assert.Equal("ta", config.GetProperty("language").GetProperty("sourceLanguage").GetString());
        Assert.Equal("female", config.GetProperty("gender").GetString());
    }

    [Fact]
    public async Task Audio_at_the_models_own_rate_keeps_that_rate_in_20_ms_chunks()
    {
        var wav = Wire.RampWav(22050, 22050);
        await using var server = await LoopbackServer.StartAsync(c => AnswerAsync(c, wav));

        var chunks = await SpeakAsync(Create(server));

        Assert.All(chunks, c => Assert.Equal(22050, c.SampleRate));
        Assert.All(chunks.SkipLast(1), c => Assert.Equal(441, c.Length));
        Assert.Equal(22050, Samples(chunks).Length);
    }

    [Fact]
    public async Task An_error_status_in_a_200_reply_becomes_a_ProviderException_with_its_text()
    {
        await using var server = await LoopbackServer.StartAsync(c => Wire.JsonAsync(c, 200, """{"status":"ERROR","status_text":"Unsupported language!"}"""));

        var e = await Assert.ThrowsAsync<ProviderException>(() => SpeakAsync(Create(server)));

        Assert.Equal("ai4bharat", e.Provider);
        Assert.Contains("Unsupported language!", e.Message);
    }

    [Fact]
    public async Task Without_a_base_url_it_fails_with_a_ProviderException_saying_so()
    {
        var tts = new Ai4BharatTts(Options.Create(new Ai4BharatTtsOptions()), Http);

        var e = await Assert.ThrowsAsync<ProviderException>(() => SpeakAsync(tts));

        Assert.Contains("BaseUrl", e.Message);
    }
}
