using System.Text.Json.Nodes;
using VoiceAgents.Tests.Infrastructure;

namespace VoiceAgents.Tests.Webhooks;

/// <summary>An agent's tool URL under <c>Webhooks:AllowPrivateTargets</c> (./run.sh's local exemption), as webhooks are.</summary>
[Collection(WebhooksCollection.Name)]
public sealed class AgentToolLocalTargetTests(WebhooksFixture fixture)
{
    [Fact]
    public async Task Tool_on_a_loopback_http_receiver_is_accepted_when_local_runs_allow_private_targets()
    {
        var tenant = await fixture.Api.SignupAsync("tools-local");
        using var client = tenant.Client();
        var agent = (JsonObject)JsonNode.Parse(System.Text.Json.JsonSerializer.Serialize(TenantSession.ValidAgent("Local"), Core.Json.JsonDefaults.Options))!;
        agent["tools"] = JsonNode.Parse("""[{"type":"http","name":"lookup","url":"http://127.0.0.1:8099/tools/lookup"},{"type":"mcp","name":"crm","url":"http://localhost:8098/mcp"}]""");

        var created = await TenantSession.Read(await client.PostAsync("agents", ApiFixture.Json(agent)), 201);

        Assert.Equal("http://127.0.0.1:8099/tools/lookup", created["tools"]![0]!["url"]!.GetValue<string>());
        Assert.Equal("http://localhost:8098/mcp", created["tools"]![1]!["url"]!.GetValue<string>());
    }
}
