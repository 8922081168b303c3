using System.Text.Json;
using VoiceAgents.Core.Domain;
using VoiceAgents.VoiceHost.Providers;

namespace VoiceAgents.Tests.Providers;

/// <summary>The Google provider against a loopback server speaking Speech-to-Text v1's REST <c>speech:recognize</c>.</summary>
public sealed class GoogleSttTests : HttpSttProviderTests
{
    private const string ApiKey = "google-test-key";

    protected override string ProviderName => "google";
    protected override string Section => "Providers:Google";
    protected override SttConfig Config => new() { Provider = "google", Language = "en-IN" };

    protected override Dictionary<string, string?> Settings(Uri baseUrl) => new()
    {
        ["Providers:Google:ApiKey"] = ApiKey,
        ["Providers:Google:BaseUrl"] = baseUrl.ToString(),
    };

    protected override string Success(string transcript) => JsonSerializer.Serialize(new
    {
        results = new[] { new { alternatives = new[] { new { transcript, confidence = 0.9 } }, resultEndTime = "1.200s", languageCode = "en-in" } },
        totalBilledTime = "2s",
        requestId = "4129876543210987654",
    });

    [Fact]
    public async Task Recognize_posts_base64_linear16_with_the_key_and_language_and_joins_the_results()
    {
        Server.Respond = HttpLoopback.Json(200, """
            {
              "results": [
                { "alternatives": [ { "transcript": "I would like to book a table", "confidence": 0.92 } ], "resultEndTime": "2.100s", "languageCode": "en-in" },
                { "alternatives": [ { "transcript": " for two people", "confidence": 0.88 }, { "transcript": " for two peoples", "confidence": 0.4 } ], "resultEndTime": "3.000s", "languageCode": "en-in" }
              ],
              "totalBilledTime": "3s",
              "requestId": "4129876543210987654"
            }
            """);
        var audio = Loopback.Tone(4800);

        var final = await TranscribeAsync(Provider(), audio);

        Assert.Equal("I would like to book a table for two people", final.Text);
        Assert.Equal(0.9, final.Confidence!.Value, 3);
        var request = Assert.Single(Server.Requests);
        Assert.Equal("POST", request.Method);
        Assert.Equal("/v1/speech:recognize", request.Path);
        Assert.Equal(ApiKey, request.Query["key"]);
        Assert.StartsWith("application/json", request.Headers["Content-Type"]);
        var config = request.Json["config"]!;
        Assert.Equal("LINEAR16", config["encoding"]!.GetValue<string>());
        Assert.Equal(16000, config["sampleRateHertz"]!.GetValue<int>());
        Assert.Equal("en-IN", config["languageCode"]!.GetValue<string>());
        Assert.True(config["enableAutomaticPunctuation"]!.GetValue<bool>());
        Assert.Equal(Loopback.LittleEndian(audio), Convert.FromBase64String(request.Json["audio"]!["content"]!.GetValue<string>()));
    }

    [Fact]
    public async Task The_configured_model_and_default_language_are_sent()
    {
        Server.Respond = HttpLoopback.Json(200, Success("hello"));
        var settings = Settings(Server.BaseUrl);
        settings["Providers:Google:Model"] = "phone_call";
        settings["Providers:Google:DefaultLanguage"] = "en-GB";
        await using var session = await Provider(settings: settings).ConnectAsync(new SttConfig { Provider = "google" }, CancellationToken.None);
        await session.SendAudioAsync(Loopback.Tone(3200), CancellationToken.None);

        await session.FinalizeAsync(CancellationToken.None);

        var config = Assert.Single(Server.Requests).Json["config"]!;
        Assert.Equal("phone_call", config["model"]!.GetValue<string>());
        Assert.Equal("en-GB", config["languageCode"]!.GetValue<string>());
    }

    [Fact]
    public async Task No_speech_recognized_is_an_empty_final_transcript()
    {
        Server.Respond = HttpLoopback.Json(200, """{"totalBilledTime":"1s","requestId":"4129876543210987655"}""");

        var final = await TranscribeAsync(Provider(), Loopback.Tone(3200));

        Assert.Equal("", final.Text);
        Assert.True(final.IsFinal);
        Assert.Null(final.Confidence);
    }

    [Theory]
    [InlineData(400, "INVALID_ARGUMENT", "Invalid recognition 'config': bad encoding..")]
    [InlineData(403, "PERMISSION_DENIED", "Cloud Speech-to-Text API has not been used in project 123 before or it is disabled.")]
    [InlineData(429, "RESOURCE_EXHAUSTED", "Quota exceeded for quota metric 'Requests'.")]
    [InlineData(503, "UNAVAILABLE", "The service is currently unavailable.")]
    public async Task A_Google_error_fails_with_its_status_and_message(int code, string status, string message)
    {
        Server.Respond = HttpLoopback.Json(code, JsonSerializer.Serialize(new { error = new { code, message, status } }));

        var error = await Assert.ThrowsAsync<ProviderException>(() => TranscribeAsync(Provider(), Loopback.Tone(3200)));

        Assert.Equal("google", error.Provider);
        Assert.Contains($"HTTP {code}: {status}: {message}", error.Message);
    }

    [Fact]
    public async Task Without_an_api_key_the_provider_refuses_to_connect()
    {
        var error = await Assert.ThrowsAsync<ProviderException>(async () =>
            await Provider(settings: new() { ["Providers:Google:BaseUrl"] = Server.BaseUrl.ToString() }).ConnectAsync(Config, CancellationToken.None));

        Assert.Contains("Providers:Google:ApiKey", error.Message);
    }
}
