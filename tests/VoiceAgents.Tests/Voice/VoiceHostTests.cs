using System.Diagnostics.Metrics;
using System.Text.Json.Nodes;
using VoiceAgents.Tests.Infrastructure;
using VoiceAgents.VoiceHost.Audio;
using VoiceAgents.VoiceHost.Metrics;

namespace VoiceAgents.Tests.Voice;

/// <summary>Health, the agent's first message and hang-up rule, and the OpenTelemetry instruments.</summary>
[Collection(VoiceCollection.Name)]
public sealed class VoiceHostTests(VoiceFixture voice)
{
    [Fact]
    public async Task Health_reports_status_connections_memory_and_providers()
    {
        using var http = new HttpClient();
        var response = await http.GetAsync(voice.HealthUri);
        var body = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
        Assert.Equal(200, (int)response.StatusCode);
        Assert.Equal("healthy", body["status"]!.GetValue<string>());
        Assert.True(body["active_connections"]!.GetValue<int>() >= 0);
        Assert.True(body["memory"]!["working_set_bytes"]!.GetValue<long>() > 0);
        Assert.Equal("healthy", body["checks"]!["vad"]!.GetValue<string>());
        Assert.Equal("healthy", body["providers"]!["stt.local"]!.GetValue<string>());
        Assert.Equal("healthy", body["providers"]!["tts.local"]!.GetValue<string>());
    }

    [Fact]
    public async Task The_public_port_says_only_alive_and_the_detailed_health_is_on_the_operator_port_alone()
    {
        using var http = new HttpClient();
        var live = await http.GetAsync(voice.LiveUri);
        Assert.Equal(200, (int)live.StatusCode);
        var body = JsonNode.Parse(await live.Content.ReadAsStringAsync())!.AsObject();
        Assert.Equal("alive", Assert.Single(body).Value!.GetValue<string>());
        Assert.Equal("status", Assert.Single(body).Key);

        // Memory, providers and connections are not on the public port, whatever the path or Host header says.
        var publicHealth = new Uri(voice.LiveUri, "/health");
        Assert.Equal(404, (int)(await http.GetAsync(publicHealth)).StatusCode);
        using var spoofed = new HttpRequestMessage(HttpMethod.Get, publicHealth);
        spoofed.Headers.Host = voice.HealthUri.Authority;
        Assert.Equal(404, (int)(await http.SendAsync(spoofed)).StatusCode);
        Assert.NotEqual(voice.LiveUri.Port, voice.HealthUri.Port);
        Assert.True((await http.GetAsync(voice.HealthUri)).IsSuccessStatusCode);
    }

    [Fact]
    public async Task First_message_is_spoken_on_connect_and_a_hang_up_rule_ends_the_call_after_its_reply()
    {
        var measurements = new List<string>();
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Name == VoiceMetrics.MeterName) l.EnableMeasurementEvents(instrument);
        };
        listener.SetMeasurementEventCallback<double>((instrument, _, _, _) =>
        {
            lock (measurements) measurements.Add(instrument.Name);
        });
        listener.Start();

        var tenant = await voice.Api.SignupAsync("hangup");
        using var client = tenant.Client();
        var agent = await TenantSession.Read(await client.PostAsync("agents", ApiFixture.Json(new
        {
            name = "Short",
            first_message = "Hello, thanks for calling.",
            llm = new { provider = "rules" },
            stt = new { provider = "local" },
            tts = new { provider = "local", voice = "slt" },
            rules = new[] { new { match = "reservation", reply = "Goodbye then.", hang_up = true } },
        })), 201);
        await using var caller = await VoiceClient.ConnectAsync(voice.WebSocketUri);
        await caller.AuthenticateAsync(tenant.AccessToken, agent["id"]!.GetValue<string>());
        var greeting = await caller.WaitForAsync("transcript", TimeSpan.FromSeconds(10), e => e["role"]!.GetValue<string>() == "assistant");
        Assert.Equal("Hello, thanks for calling.", greeting["text"]!.GetValue<string>());
        await caller.WaitForAsync("bot_stopped_speaking", TimeSpan.FromSeconds(10));

        var (samples, rate) = Wav.Read(await VoiceFixture.SpeakAsync("I want to make a reservation please."));
        await caller.StreamAsync(samples, rate);
        var silence = caller.StreamSilenceAsync(TimeSpan.FromSeconds(8), rate);
        var end = await caller.WaitForAsync("end", TimeSpan.FromSeconds(30));
        Assert.Equal("agent_hang_up", end["reason"]!.GetValue<string>());
        Assert.Contains(caller.Events, e => VoiceClient.Type(e.Event) == "transcript" && e.Event["text"]!.GetValue<string>() == "Goodbye then.");
        await caller.Closed.Task.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal(1000, (int)caller.CloseStatus!);
        await silence.ContinueWith(_ => { });

        listener.RecordObservableInstruments();
        lock (measurements)
        {
            Assert.Contains("voice.turn.voice_to_voice", measurements);
            Assert.Contains("voice.call.duration", measurements);
        }
    }
}
