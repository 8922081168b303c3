using System.Text.Json;
using Microsoft.Extensions.Options;
using VoiceAgents.Core.Domain;
using VoiceAgents.Tests.Providers.VendorServers;
using VoiceAgents.VoiceHost.Providers.Google;
using VoiceAgents.VoiceHost.Providers;
using static VoiceAgents.Tests.Providers.VendorServers.ProviderTestKit;

namespace VoiceAgents.Tests.Providers;

/// <summary>Google Cloud Text-to-Speech's REST <c>v1/text:synthesize</c>: JSON in, <c>{"audioContent": base64 WAV}</c> out.</summary>
public sealed class GoogleTtsTests : HttpTtsContract
{
    protected override ITtsProvider Create(LoopbackServer server, TimeSpan timeout) => new GoogleTts(
        Options.Create(new GoogleTtsOptions { ApiKey = "g-key/1", BaseUrl = server.BaseUri.ToString(), Timeout = timeout }), Http);

    protected override TtsConfig Config => new() { Provider = "google", Voice = "en-US-Neural2-F", Speed = 1.2 };

    protected override string Language => "en-US";

    protected override string Reply(byte[] wav) => JsonSerializer.Serialize(new { audioContent = Convert.ToBase64String(wav) });

    protected override (int, string, string) Error => (400,
        """{"error":{"code":400,"message":"Invalid value at 'audio_config.speaking_rate' (TYPE_DOUBLE), \"fast\"","status":"INVALID_ARGUMENT"}}""",
        "Invalid value at 'audio_config.speaking_rate'");

    [Fact]
    public async Task Sends_a_synthesize_request_in_the_documented_format()
    {
        await using var server = await LoopbackServer.StartAsync(c => AnswerAsync(c, Wire.RampWav(320, 16000)));

        await SpeakAsync(Create(server));

        var request = server.Single();
        Assert.Equal("POST", request.Method);
        Assert.Equal("/v1/text:synthesize", request.Path);
        Assert.Equal("?key=g-key%2F1", request.Query);
        using var body = JsonDocument.Parse(request.Body);
        var root = body.RootElement;
        Assert.Equal("We open at nine.", root.GetProperty("input").GetProperty("text").GetString());
        Assert.Equal("en-US", root.GetProperty("voice").GetProperty("languageCode").GetString());
        Assert.Equal("en-US-Neural2-F", root.GetProperty("voice").GetProperty("name").GetString());
        var audio = root.GetProperty("audioConfig");
        Assert.Equal("LINEAR16", audio.GetProperty("audioEncoding").GetString());
        Assert.Equal(16000, audio.GetProperty("sampleRateHertz").GetInt32());
        Assert.Equal(1.2, audio.GetProperty("speakingRate").GetDouble(), 3);
    }

    [Fact]
    public async Task The_language_of_the_voice_name_wins_and_without_a_voice_only_the_language_is_sent()
    {
        await using var server = await LoopbackServer.StartAsync(c => AnswerAsync(c, Wire.RampWav(320, 16000)));
        var tts = Create(server);

        await CollectAsync(tts.SynthesizeAsync("नमस्ते", new TtsConfig { Provider = "google", Voice = "hi-IN-Wavenet-A" }, "en-US", default));
        await CollectAsync(tts.SynthesizeAsync("Hola", new TtsConfig { Provider = "google" }, "es-ES", default));

        var voices = server.Requests.Select(r => JsonDocument.Parse(r.Body).RootElement.GetProperty("voice")).ToList();
        Assert.Equal("hi-IN", voices[0].GetProperty("languageCode").GetString());
        Assert.Equal("es-ES", voices[1].GetProperty("languageCode").GetString());
        Assert.False(voices[1].TryGetProperty("name", out _));
        Assert.False(JsonDocument.Parse(server.Requests[1].Body).RootElement.GetProperty("audioConfig").TryGetProperty("speakingRate", out _));
    }

    [Fact]
    public async Task Without_an_api_key_it_fails_with_a_ProviderException_saying_so()
    {
        var tts = new GoogleTts(Options.Create(new GoogleTtsOptions()), Http);

        var e = await Assert.ThrowsAsync<ProviderException>(() => SpeakAsync(tts));

        Assert.Contains("ApiKey", e.Message);
    }
}
