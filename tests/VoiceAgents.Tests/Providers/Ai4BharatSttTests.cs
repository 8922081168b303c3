using System.Text.Json;
using VoiceAgents.Core.Domain;
using VoiceAgents.VoiceHost.Audio;
using VoiceAgents.VoiceHost.Providers;

namespace VoiceAgents.Tests.Providers;

/// <summary>
/// The AI4Bharat provider against a loopback IndicConformer server speaking the ULCA/Dhruva ASR inference contract
/// described in voice-host/Providers/Ai4Bharat/README.md.
/// </summary>
public sealed class Ai4BharatSttTests : HttpSttProviderTests
{
    private const string ApiKey = "dhruva-test-key";
    private const string ServiceId = "ai4bharat/conformer-hi-gpu--t4";

    protected override string ProviderName => "ai4bharat";
    protected override string Section => "Providers:Ai4Bharat";
    protected override SttConfig Config => new() { Provider = "ai4bharat", Language = "hi-IN" };

    protected override Dictionary<string, string?> Settings(Uri baseUrl) => new()
    {
        ["Providers:Ai4Bharat:BaseUrl"] = baseUrl.ToString(),
        ["Providers:Ai4Bharat:ApiKey"] = ApiKey,
        ["Providers:Ai4Bharat:ServiceId"] = ServiceId,
    };

    protected override string Success(string transcript) =>
        JsonSerializer.Serialize(new { taskType = "asr", output = new[] { new { source = transcript } }, config = (object?)null });

    [Fact]
    public async Task Transcribe_posts_a_base64_wav_with_the_language_service_and_key()
    {
        Server.Respond = HttpLoopback.Json(200, Success("मुझे दो लोगों के लिए टेबल चाहिए"));
        var audio = Loopback.Tone(4800);

        var final = await TranscribeAsync(Provider(), audio);

        Assert.Equal("मुझे दो लोगों के लिए टेबल चाहिए", final.Text);
        Assert.True(final.IsFinal);
        var request = Assert.Single(Server.Requests);
        Assert.Equal("POST", request.Method);
        Assert.Equal("/services/inference/asr", request.Path);
        Assert.Equal(ServiceId, request.Query["serviceId"]);
        Assert.Equal(ApiKey, request.Headers["Authorization"]);
        Assert.Equal("API_KEY", request.Headers["x-auth-source"]);
        Assert.StartsWith("application/json", request.Headers["Content-Type"]);
        var body = request.Json;
        var config = body["config"]!;
        Assert.Equal("hi", config["language"]!["sourceLanguage"]!.GetValue<string>());
        Assert.Equal(ServiceId, config["serviceId"]!.GetValue<string>());
        Assert.Equal("wav", config["audioFormat"]!.GetValue<string>());
        Assert.Equal("base64", config["encoding"]!.GetValue<string>());
        Assert.Equal(16000, config["samplingRate"]!.GetValue<int>());
        Assert.Equal("transcript", config["transcriptionFormat"]!["value"]!.GetValue<string>());
        Assert.False(body["controlConfig"]!["dataTracking"]!.GetValue<bool>());
        var (samples, rate) = Wav.Read(Convert.FromBase64String(body["audio"]![0]!["audioContent"]!.GetValue<string>()));
        Assert.Equal(16000, rate);
        Assert.Equal(audio, samples);
    }

    [Fact]
    public async Task Without_a_key_or_service_no_auth_header_or_service_is_sent()
    {
        Server.Respond = HttpLoopback.Json(200, Success("வணக்கம்"));
        var settings = new Dictionary<string, string?> { ["Providers:Ai4Bharat:BaseUrl"] = Server.BaseUrl.ToString() };
        await using var session = await Provider(settings: settings).ConnectAsync(new SttConfig { Provider = "ai4bharat", Language = "ta" }, CancellationToken.None);
        await session.SendAudioAsync(Loopback.Tone(3200), CancellationToken.None);

        Assert.Equal("வணக்கம்", (await session.FinalizeAsync(CancellationToken.None)).Text);

        var request = Assert.Single(Server.Requests);
        Assert.False(request.Headers.ContainsKey("Authorization"));
        Assert.Empty(request.Query);
        Assert.Null(request.Json["config"]!["serviceId"]);
        Assert.Equal("ta", request.Json["config"]!["language"]!["sourceLanguage"]!.GetValue<string>());
    }

    [Theory]
    [InlineData(500, """{"detail":{"kind":"DHRUVA-101","message":"Failed to perform ASR inference"}}""", "HTTP 500: DHRUVA-101: Failed to perform ASR inference")]
    [InlineData(401, """{"detail":{"kind":"DHRUVA-102","message":"Invalid API key"}}""", "HTTP 401: DHRUVA-102: Invalid API key")]
    [InlineData(422, """{"detail":[{"loc":["body","config","language"],"msg":"field required","type":"value_error.missing"}]}""", "HTTP 422: field required")]
    [InlineData(503, """{"detail":"Model is loading"}""", "HTTP 503: Model is loading")]
    public async Task A_server_error_fails_with_its_message(int status, string body, string expected)
    {
        Server.Respond = HttpLoopback.Json(status, body);

        var error = await Assert.ThrowsAsync<ProviderException>(() => TranscribeAsync(Provider(), Loopback.Tone(3200)));

        Assert.Equal("ai4bharat", error.Provider);
        Assert.Contains(expected, error.Message);
    }

    [Fact]
    public async Task Without_a_url_the_provider_refuses_to_connect()
    {
        var error = await Assert.ThrowsAsync<ProviderException>(async () =>
            await Provider(settings: []).ConnectAsync(Config, CancellationToken.None));

        Assert.Contains("Providers:Ai4Bharat:BaseUrl", error.Message);
    }
}
