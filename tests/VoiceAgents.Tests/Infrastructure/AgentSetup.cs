using System.Text.Json;
using System.Text.Json.Nodes;
using VoiceAgents.Core.Json;

namespace VoiceAgents.Tests.Infrastructure;

/// <summary>
/// Agents as a tenant's client makes them: <c>POST /agents</c>, and <c>GET</c> then <c>PUT /agents/{id}</c> to change
/// one, never written into the database, so every setting a call test relies on has passed the API's validation.
/// </summary>
public static class AgentSetup
{
    /// <summary>
    /// An agent that runs offline (the rules responder, pocketsphinx, flite's slt voice), with <paramref name="with"/>'s
    /// top-level fields set over it. Names in <paramref name="with"/> are snake-cased as the API's JSON is; a field
    /// whose keys must stay as written (variables, headers, arguments) goes in as a <see cref="JsonObject"/>.
    /// </summary>
    public static JsonObject Offline(string name = "Booker", object? with = null)
    {
        var agent = new JsonObject
        {
            ["name"] = name,
            ["system_prompt"] = "You take table bookings.",
            ["language"] = "en-US",
            ["llm"] = new JsonObject { ["provider"] = "rules" },
            ["stt"] = new JsonObject { ["provider"] = "local", ["language"] = "en-US" },
            ["tts"] = new JsonObject { ["provider"] = "local", ["voice"] = "slt" },
        };
        if (with is not null) Merge(agent, with);
        return agent;
    }

    /// <summary>The booking rule of the offline call tests: a caller who asks to book a table hears two sentences.</summary>
    public static object BookingRule => new { match = "book table", reply = "Certainly. For what time would you like the table?", hang_up = false };

    /// <summary>The value as the API's JSON spells it (snake_case names); a <see cref="JsonNode"/> is taken as it is.</summary>
    public static JsonNode Node(object value) =>
        value is JsonNode node ? node.DeepClone() : JsonSerializer.SerializeToNode(value, value.GetType(), JsonDefaults.Options)!;

    /// <summary>Creates the agent through the API (201) and returns its id.</summary>
    public static async Task<string> AddAgentAsync(this TenantSession tenant, JsonObject agent)
    {
        using var client = tenant.Client();
        var created = await TenantSession.Read(await client.PostAsync("agents", ApiFixture.RawJson(agent.ToJsonString())), 201);
        return created["id"]!.GetValue<string>();
    }

    /// <summary>
    /// Changes an agent as the dashboard's form does: reads it, sets <paramref name="change"/>'s fields (or lets it
    /// edit the agent), and PUTs the whole agent back (200). An HTTP tool kept by name keeps its secret.
    /// </summary>
    public static async Task<JsonNode> UpdateAgentAsync(this TenantSession tenant, string agentId, Action<JsonObject> change)
    {
        using var client = tenant.Client();
        var agent = (await TenantSession.Read(await client.GetAsync($"agents/{agentId}"), 200)).AsObject();
        change(agent);
        return await TenantSession.Read(await client.PutAsync($"agents/{agentId}", ApiFixture.RawJson(agent.ToJsonString())), 200);
    }

    /// <inheritdoc cref="UpdateAgentAsync(TenantSession, string, Action{JsonObject})"/>
    public static Task<JsonNode> UpdateAgentAsync(this TenantSession tenant, string agentId, object with) =>
        tenant.UpdateAgentAsync(agentId, agent => Merge(agent, with));

    private static void Merge(JsonObject agent, object with)
    {
        foreach (var (key, value) in Node(with).AsObject()) agent[key] = value?.DeepClone();
    }
}
