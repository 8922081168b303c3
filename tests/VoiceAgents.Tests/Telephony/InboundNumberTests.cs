using System.Text.Json.Nodes;
using System.Xml.Linq;
using VoiceAgents.Tests.Infrastructure;
using static VoiceAgents.Tests.Dialer.DialerSteps;

namespace VoiceAgents.Tests.Telephony;

/// <summary>
/// Inbound numbers belong to a tenant: the operator allocates them, a tenant maps only its own, and any other number
/// (another tenant's or nobody's) is simply not found.
/// </summary>
[Collection(TelephonyCollection.Name)]
public sealed class InboundNumberTests(TelephonyFixture f)
{
    private static string Path(string number) => $"inbound-numbers/{Uri.EscapeDataString(number)}";

    private async Task<JsonNode> AllocateAsync(TenantSession tenant, string number, int status = 200)
    {
        using var operatorClient = f.Api.OperatorClient();
        var response = await operatorClient.PutAsync($"operator/tenants/{tenant.TenantId}/numbers/{Uri.EscapeDataString(number)}", null);
        return status == 200 ? await TenantSession.Read(response, 200) : await Problems.AssertProblem(response, status);
    }

    private static async Task<HttpResponseMessage> MapAsync(TenantSession tenant, string number, string agentId)
    {
        using var client = tenant.Client();
        return await client.PutAsync(Path(number), ApiFixture.Json(new { agent_id = agentId }));
    }

    private async Task<XElement> InboundCallAsync(string to)
    {
        const string url = TelephonyFixture.PublicBaseUrl + "/api/twilio/voice";
        using var http = new HttpClient();
        var response = await TwilioLoopback.PostWebhookAsync(http, f.Webhook("twilio/voice").Target, url, TwilioLoopback.InboundCallForm(to));
        Assert.Equal(200, (int)response.StatusCode);
        return XDocument.Parse(await response.Content.ReadAsStringAsync()).Root!;
    }

    [Fact]
    public async Task A_tenant_maps_a_number_only_once_the_operator_allocated_it()
    {
        var tenant = await f.Api.SignupAsync("inbound-own");
        var agent = await AgentAsync(tenant);
        var number = Numbers(1)[0];

        await Problems.AssertNotFound(await MapAsync(tenant, number, agent));
        var allocated = await AllocateAsync(tenant, number);
        var mapped = await TenantSession.Read(await MapAsync(tenant, number, agent), 200);
        using var client = tenant.Client();
        var listed = await TenantSession.Read(await client.GetAsync("inbound-numbers"), 200);

        Assert.Equal((number, tenant.TenantId), (allocated["phone_number"]!.GetValue<string>(), allocated["tenant_id"]!.GetValue<string>()));
        Assert.Null(allocated["agent_id"]);
        Assert.Equal(agent, mapped["agent_id"]!.GetValue<string>());
        Assert.Equal([number], listed.AsArray().Select(n => n!["phone_number"]!.GetValue<string>()));
        Assert.Equal(agent, (await InboundCallAsync(number)).Element("Connect")!.Element("Stream")!.Elements("Parameter")
            .Single(p => p.Attribute("name")!.Value == "agent_id").Attribute("value")!.Value);
    }

    [Fact]
    public async Task Another_tenants_number_is_not_found_exactly_like_a_number_nobody_holds()
    {
        var owner = await f.Api.SignupAsync("inbound-owner");
        var stranger = await f.Api.SignupAsync("inbound-stranger");
        var strangersAgent = await AgentAsync(stranger);
        var numbers = Numbers(2);
        await AllocateAsync(owner, numbers[0]);
        await TenantSession.Read(await MapAsync(owner, numbers[0], await AgentAsync(owner)), 200);
        using var strangerClient = stranger.Client();

        var taken = await Problems.AssertNotFound(await MapAsync(stranger, numbers[0], strangersAgent));
        var free = await Problems.AssertNotFound(await MapAsync(stranger, numbers[1], strangersAgent));
        var takenDelete = await Problems.AssertNotFound(await strangerClient.DeleteAsync(Path(numbers[0])));
        var freeDelete = await Problems.AssertNotFound(await strangerClient.DeleteAsync(Path(numbers[1])));

        Assert.Equal((free["title"]!.GetValue<string>(), free["detail"]!.GetValue<string>()), (taken["title"]!.GetValue<string>(), taken["detail"]!.GetValue<string>()));
        Assert.Equal(freeDelete["detail"]!.GetValue<string>(), takenDelete["detail"]!.GetValue<string>());
        Assert.Empty((await TenantSession.Read(await strangerClient.GetAsync("inbound-numbers"), 200)).AsArray());
        // The owner's mapping is untouched.
        Assert.NotNull((await InboundCallAsync(numbers[0])).Element("Connect"));
    }

    [Fact]
    public async Task Unmapping_keeps_the_number_allocated_and_stops_answering_it()
    {
        var tenant = await f.Api.SignupAsync("inbound-unmap");
        var number = Numbers(1)[0];
        await AllocateAsync(tenant, number);
        await TenantSession.Read(await MapAsync(tenant, number, await AgentAsync(tenant)), 200);
        using var client = tenant.Client();

        Assert.Equal(204, (int)(await client.DeleteAsync(Path(number))).StatusCode);

        var listed = Assert.Single((await TenantSession.Read(await client.GetAsync("inbound-numbers"), 200)).AsArray())!;
        Assert.Null(listed["agent_id"]);
        Assert.Contains("not in service", (await InboundCallAsync(number)).Element("Say")!.Value);
    }

    [Fact]
    public async Task A_number_held_by_one_tenant_goes_to_another_only_after_the_operator_releases_it()
    {
        var first = await f.Api.SignupAsync("inbound-first");
        var second = await f.Api.SignupAsync("inbound-second");
        var number = Numbers(1)[0];
        await AllocateAsync(first, number);
        await TenantSession.Read(await MapAsync(first, number, await AgentAsync(first)), 200);
        using var operatorClient = f.Api.OperatorClient();

        var refused = await AllocateAsync(second, number, 409);
        Assert.Equal(204, (int)(await operatorClient.DeleteAsync($"operator/tenants/{first.TenantId}/numbers/{Uri.EscapeDataString(number)}")).StatusCode);
        var notInService = await InboundCallAsync(number);
        await AllocateAsync(second, number);
        var listed = await TenantSession.Read(await operatorClient.GetAsync($"operator/tenants/{second.TenantId}/numbers"), 200);

        Assert.Contains(first.TenantId, refused["detail"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Contains("not in service", notInService.Element("Say")!.Value);
        Assert.Equal(number, Assert.Single(listed.AsArray())!["phone_number"]!.GetValue<string>());
        using var firstClient = first.Client();
        Assert.Empty((await TenantSession.Read(await firstClient.GetAsync("inbound-numbers"), 200)).AsArray());
    }

    [Fact]
    public async Task Concurrent_allocations_of_one_number_to_two_tenants_give_it_to_one()
    {
        var tenants = new[] { await f.Api.SignupAsync("inbound-race-a"), await f.Api.SignupAsync("inbound-race-b") };
        var number = Numbers(1)[0];
        using var operatorClient = f.Api.OperatorClient();

        var responses = await Task.WhenAll(tenants.SelectMany(t => Enumerable.Repeat(t, 4)).Select(t =>
            operatorClient.PutAsync($"operator/tenants/{t.TenantId}/numbers/{Uri.EscapeDataString(number)}", null)));

        var winners = new List<string>();
        foreach (var r in responses.Where(r => (int)r.StatusCode == 200)) winners.Add((await TenantSession.Read(r, 200))["tenant_id"]!.GetValue<string>());
        Assert.Single(winners.Distinct());
        Assert.All(responses, r => Assert.True((int)r.StatusCode is 200 or 409, $"got {(int)r.StatusCode}"));
        Assert.Equal(4, winners.Count);
    }

    [Fact]
    public async Task A_mapping_keeps_the_variables_its_calls_start_with_and_refuses_too_many()
    {
        var tenant = await f.Api.SignupAsync("inbound-vars");
        var agent = await AgentAsync(tenant);
        var number = Numbers(1)[0];
        await AllocateAsync(tenant, number);
        using var client = tenant.Client();

        var mapped = await TenantSession.Read(await client.PutAsync(Path(number),
            ApiFixture.Json(new JsonObject { ["agent_id"] = agent, ["variables"] = new JsonObject { ["storeName"] = "Downtown" } })), 200);
        var listed = Assert.Single((await TenantSession.Read(await client.GetAsync("inbound-numbers"), 200)).AsArray())!;
        var many = new JsonObject();
        for (var i = 0; i < 51; i++) many[$"k{i}"] = "v";
        await Problems.AssertProblem(await client.PutAsync(Path(number), ApiFixture.Json(new JsonObject { ["agent_id"] = agent, ["variables"] = many })), 400, "variables");

        Assert.Equal("Downtown", mapped["variables"]!["storeName"]!.GetValue<string>());
        Assert.Equal("Downtown", listed["variables"]!["storeName"]!.GetValue<string>());
    }
}
