using System.Text;
using System.Text.Json.Nodes;
using VoiceAgents.Core.Net;
using VoiceAgents.Tests.Infrastructure;
using VoiceAgents.Tests.Providers.VendorServers;
using VoiceAgents.VoiceHost.Audio;
using static VoiceAgents.Tests.Tools.ToolKit;

namespace VoiceAgents.Tests.Tools;

/// <summary>A whole offline call in which a rule calls an HTTP tool with a captured argument and speaks its answer.</summary>
[Collection(VoiceCollection.Name)]
public sealed class RulesToolCallTests(VoiceFixture voice)
{
    [Fact]
    public async Task A_rule_calls_the_http_tool_with_its_capture_and_speaks_the_answer_and_the_call_records_the_tool_turn()
    {
        await using var receiver = await LoopbackServer.StartAsync(c => Wire.JsonAsync(c, 200, """{"reference":"blue seven"}"""));
        var tenant = await voice.Api.SignupAsync("tools");
        // The tool's secret is write-only in the API: the test sets a known one, so it can check the receiver's signature.
        var agentId = await tenant.AddAgentAsync(AgentSetup.Offline(with: new
        {
            tools = new[] { new { type = "http", name = "book", description = "The book tool.", parameters = JsonNode.Parse(PartySchema), url = receiver.BaseUri.ToString(), timeout_ms = 5000, secret = Secret } },
            rules = new[]
            {
                new JsonObject
                {
                    ["match_regex"] = @"table for (?<party>\w+)",
                    ["call"] = new JsonObject { ["tool"] = "book", ["arguments"] = new JsonObject { ["party"] = "{{ match.party }}" } },
                    ["reply"] = "Booked for {{ match.party }}. Your reference is {{ tool.result.reference }}.",
                },
            },
        }));

        var (samples, rate) = Wav.Read(await VoiceFixture.SpeakAsync("I would like to book a table for two."));
        await using var caller = await VoiceClient.ConnectAsync(voice.WebSocketUri);
        var ready = await caller.AuthenticateAsync(tenant.AccessToken, agentId, rate);
        await caller.StreamSilenceAsync(TimeSpan.FromMilliseconds(500), rate);
        await caller.StreamAsync(samples, rate);
        var streaming = caller.StreamSilenceAsync(TimeSpan.FromSeconds(6), rate);

        var reply = await caller.WaitForAsync("transcript", TimeSpan.FromSeconds(20),
            e => e["role"]!.GetValue<string>() == "assistant" && e["text"]!.GetValue<string>().Contains("reference", StringComparison.Ordinal));
        Assert.Equal("Your reference is blue seven.", reply["text"]!.GetValue<string>());
        await streaming;

        var request = receiver.Single();
        Assert.True(WebhookSignature.Verify(request.Header(WebhookSignature.Header), Encoding.UTF8.GetBytes(request.Body), Secret, DateTimeOffset.UtcNow));
        var body = JsonNode.Parse(request.Body)!;
        Assert.Equal("two", body["arguments"]!["party"]!.GetValue<string>());
        Assert.Equal(ready["call_id"]!.GetValue<string>(), body["call"]!["id"]!.GetValue<string>());

        await caller.SendJsonAsync(new { type = "end" });
        await caller.WaitForAsync("end", TimeSpan.FromSeconds(10));
        var json = Path.Combine(voice.CallsFolder, ready["call_id"]!.GetValue<string>() + ".json");
        await Eventually.Assert(() => Assert.True(File.Exists(json)), TimeSpan.FromSeconds(10));
        var record = JsonNode.Parse(await File.ReadAllTextAsync(json))!;
        var tool = Assert.Single(record["transcript"]!.AsArray(), t => t!["speaker"]!.GetValue<string>() == "tool")!["tool"]!;
        Assert.Equal("book", tool["name"]!.GetValue<string>());
        Assert.Equal("""{"party":"two"}""", tool["arguments"]!.GetValue<string>());
        Assert.Equal("""{"reference":"blue seven"}""", tool["result"]!.GetValue<string>());
        Assert.True(tool["ok"]!.GetValue<bool>());
    }
}
