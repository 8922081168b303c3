using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using MongoDB.Driver;
using VoiceAgents.Core.Calls;
using VoiceAgents.Core.Data;
using VoiceAgents.Core.Domain;
using VoiceAgents.Core.Events;
using VoiceAgents.Core.Telephony;
using VoiceAgents.Functions.Dialer;
using VoiceAgents.Tests.Infrastructure;
using VoiceAgents.Tests.Telephony;

namespace VoiceAgents.Tests.Dialer;

/// <summary>What the dialer tests do: make a tenant with a campaign, run dispatchers on a clock of their own, end calls.</summary>
public static class DialerSteps
{
    public static MongoContext Db(TelephonyFixture f) => f.Api.Services.GetRequiredService<MongoContext>();

    /// <summary>A dispatcher as the timer function runs it, but on the given clock.</summary>
    public static DialerService Dispatcher(TelephonyFixture f, TimeProvider time, DialerOptions? options = null) => new(
        Db(f), new TenantCallSlots(Db(f), Options.Create(new CallSlotOptions()), time), f.Api.Services.GetRequiredService<ITelephonyProvider>(), f.Api.Services.GetRequiredService<IEventQueue>(),
        Options.Create(options ?? new DialerOptions()), f.Api.Services.GetRequiredService<IOptions<TwilioOptions>>(),
        f.Api.Services.GetRequiredService<TelephonyAccounts>(), time,
        NullLogger<DialerService>.Instance);

    /// <summary>Distinct E.164 numbers nobody else in the run uses.</summary>
    public static string[] Numbers(int count)
    {
        var prefix = Random.Shared.Next(100, 999);
        var block = Random.Shared.Next(1000, 9999);
        return Enumerable.Range(0, count).Select(i => $"+1{prefix}{block}{i:D4}").ToArray();
    }

    public static async Task<string> AgentAsync(TenantSession tenant, object? voicemail = null)
    {
        using var client = tenant.Client();
        var agent = JsonNode.Parse(System.Text.Json.JsonSerializer.Serialize(TenantSession.ValidAgent(), Core.Json.JsonDefaults.Options))!.AsObject();
        if (voicemail is not null) agent["voicemail"] = JsonNode.Parse(System.Text.Json.JsonSerializer.Serialize(voicemail, Core.Json.JsonDefaults.Options));
        var created = await TenantSession.Read(await client.PostAsync("agents", ApiFixture.RawJson(agent.ToJsonString())), 201);
        return created["id"]!.GetValue<string>();
    }

    /// <summary>Creates a campaign (with optional dialer settings) and starts it through the API.</summary>
    public static async Task<string> RunningCampaignAsync(TenantSession tenant, string agentId, string[] numbers, object? dialer = null)
    {
        using var client = tenant.Client();
        var created = await TenantSession.Read(await client.PostAsync("campaigns", ApiFixture.Json(new { name = "Dialer test", agent_id = agentId, phone_numbers = numbers, dialer })), 201);
        var id = created["id"]!.GetValue<string>();
        await TenantSession.Read(await client.PostAsync($"campaigns/{id}/start", null), 200);
        return id;
    }

    public static async Task<string> TransitionAsync(TenantSession tenant, string campaignId, string action)
    {
        using var client = tenant.Client();
        var node = await TenantSession.Read(await client.PostAsync($"campaigns/{campaignId}/{action}", null), 200);
        return node["status"]!.GetValue<string>();
    }

    /// <summary>Sets the tenant's own limits, as an operator would in the database.</summary>
    public static Task LimitTenantAsync(TelephonyFixture f, string tenantId, int? maxConcurrent, double? callsPerSecond) =>
        Db(f).Tenants.UpdateOneAsync(t => t.Id == tenantId,
            Builders<Tenant>.Update.Set(t => t.MaxConcurrentCalls, maxConcurrent).Set(t => t.CallsPerSecond, callsPerSecond));

    public static Task<List<CampaignNumber>> NumbersAsync(TelephonyFixture f, string campaignId) =>
        Db(f).CampaignNumbers.Find(n => n.CampaignId == campaignId).ToListAsync();

    /// <summary>The calls Twilio was asked to place to these numbers.</summary>
    public static List<PlacedCall> PlacedTo(TelephonyFixture f, IEnumerable<string> numbers)
    {
        var set = numbers.ToHashSet();
        return f.Twilio.Calls.Where(c => set.Contains(c.To)).ToList();
    }

    public static string CallId(PlacedCall call) =>
        System.Web.HttpUtility.ParseQueryString(new Uri(call.Form["StatusCallback"]).Query)["call_id"]!;

    /// <summary>Ends every open attempt of the campaign with the outcome, as a status callback would.</summary>
    public static async Task<int> EndOpenCallsAsync(TelephonyFixture f, DialerService dialer, string campaignId, string outcome)
    {
        var open = (await NumbersAsync(f, campaignId)).Where(n => n.Status is NumberStatus.Claimed or NumberStatus.InProgress).ToList();
        foreach (var n in open) await dialer.FinishAttemptAsync(n.CallId!, outcome, outcome, CancellationToken.None);
        return open.Count;
    }
}
