using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Azure.Storage.Queues;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using MongoDB.Driver;
using VoiceAgents.Bench.Api;
using static VoiceAgents.Bench.Api.BenchHost;
using VoiceAgents.Core.Data;
using VoiceAgents.Core.Domain;
using VoiceAgents.Core.Queues;
using VoiceAgents.Functions.Dialer;
using VoiceAgents.Functions.Infrastructure;
using VoiceAgents.Functions.LocalRunner;
using VoiceAgents.Tests.Telephony;

// Dialer throughput: 10,000 numbers across 100 running campaigns (10 tenants of 10 campaigns), and the dispatcher
// run back to back until every number has been dialled through Twilio's REST API on loopback. The limits are set
// out of the way (tenants may place 100,000 calls a second and hold 10,000 at once), so what is measured is how
// fast the dialer itself schedules: slot and number claims, the call log row, the Twilio request, the number's update.
// Run with 1 and with 2 dispatchers at once (each on a fresh database), and checked: no number dialled twice.
var settings = BenchSettings.Load(args);
string? Arg(string name) => args.FirstOrDefault(a => a.StartsWith($"--{name}=", StringComparison.Ordinal))?[(name.Length + 3)..]
    ?? Environment.GetEnvironmentVariable("BENCH_" + name.Replace('-', '_').ToUpperInvariant());
var numbersTotal = int.Parse(Arg("numbers") ?? "10000", CultureInfo.InvariantCulture);
var campaignsTotal = int.Parse(Arg("campaigns") ?? "100", CultureInfo.InvariantCulture);
var tenantsTotal = int.Parse(Arg("tenants") ?? "10", CultureInfo.InvariantCulture);
var dispatcherCounts = (Arg("dispatchers") ?? "1,2").Split(',').Select(s => int.Parse(s, CultureInfo.InvariantCulture)).ToArray();
var ct = BenchHost.CancelOnCtrlC();
var (ownMongo, mongoUrl) = await BenchHost.StartMongoAsync(settings, ct, maxHeapMb: 4096);
await using var _ = ownMongo;
await using var twilio = await TwilioLoopback.StartAsync();
Say($"Twilio REST API on {twilio.BaseUri}");

var scenarios = new JsonArray();
foreach (var dispatchers in dispatcherCounts)
{
    scenarios.Add(await RunAsync(dispatchers));
}

var machine = BenchHost.LoadAverage();
var report = new JsonObject
{
    ["date"] = DateTime.UtcNow.ToString("yyyy-MM-dd HH:mm 'UTC'", CultureInfo.InvariantCulture),
    ["cores"] = Environment.ProcessorCount,
    ["load_average_at_end"] = machine,
    ["mongo"] = ownMongo is null ? "given" : "CongoDB stand-in (in memory)",
    ["numbers"] = numbersTotal,
    ["campaigns"] = campaignsTotal,
    ["tenants"] = tenantsTotal,
    ["scenarios"] = scenarios,
};
Directory.CreateDirectory(settings.ResultsDir);
await File.WriteAllTextAsync(Path.Combine(settings.ResultsDir, "dialer.json"), report.ToJsonString(new JsonSerializerOptions { WriteIndented = true }) + "\n", ct);
var rows = string.Join("\n", scenarios.Select(s => s!.AsObject()).Select(s =>
    $"| {s["dispatchers"]} | {s["seed_seconds"]} s | {s["dispatch_seconds"]} s | **{s["calls_per_second"]}** | {s["runs"]} | {s["twilio_requests"]} | {s["duplicates"]} |"));
await File.WriteAllTextAsync(Path.Combine(settings.ResultsDir, "dialer.md"), $"""
    # Dialer bench results

    Run {report["date"]} on {Environment.ProcessorCount} cores; load average at the end {machine}. MongoDB: {report["mongo"]}; Twilio: its REST API on loopback; events: Azurite.

    {numbersTotal:N0} numbers in {campaignsTotal} running campaigns of {tenantsTotal} tenants. The limits are out of the way (each tenant may
    place 100,000 calls a second and hold 10,000 at once; each campaign holds all its numbers), so the figure is the dialer's own
    scheduling rate: per call a campaign slot, a tenant slot and rate token (one compare-and-set), a number claim (`findOneAndUpdate`),
    a call log row, the Twilio `POST .../Calls.json` through the SDK, and the number's update. Seeding (one document per number) is
    timed apart. With two dispatchers, both run the same campaigns at once.

    | dispatchers | seed | dispatch all | calls scheduled / s | dispatcher runs | Twilio requests | numbers dialled twice |
    |---:|---:|---:|---:|---:|---:|---:|
    {rows}

    Reading the figure: the CongoDB stand-in scans the whole collection for every query (its indexes are not used for reads), so
    each number claim walks all {numbersTotal:N0} `campaign_numbers`; on MongoDB the `campaign_id, status, next_attempt_at` index
    answers it. At the default limits the dialer places 1 call a second per tenant (10 concurrent), far below either figure.
    """.Replace("\n    ", "\n"), ct);
Say($"wrote {Path.Combine(settings.ResultsDir, "dialer.json")} and .md");

async Task<JsonObject> RunAsync(int dispatchers)
{
    twilio.Clear();
    var runId = Guid.NewGuid().ToString("N")[..8];
    var eventsQueue = $"bench-events-{runId}";
    var app = LocalRunnerApp.Create([], [typeof(ApiSetup).Assembly], b =>
    {
        b.WebHost.UseUrls("http://127.0.0.1:0");
        var config = BenchHost.RunnerSettings(settings, mongoUrl, $"bench_dialer_{runId}", runId);
        foreach (var (key, value) in new Dictionary<string, string?>
        {
            [QueueNames.CallCompletedSetting] = $"bench-call-completed-{runId}",
            [QueueNames.EventsSetting] = eventsQueue,
            ["AzureWebJobs.DispatchCalls.Disabled"] = "true",
            ["AzureWebJobs.DispatchEvent.Disabled"] = "true",
            ["AzureWebJobs.StoreCall.Disabled"] = "true",
            ["Twilio:AccountSid"] = TwilioLoopback.AccountSid,
            ["Twilio:AuthToken"] = TwilioLoopback.AuthToken,
            ["Twilio:FromNumber"] = "+15005550006",
            ["Twilio:PublicBaseUrl"] = "https://voiceagents.example.test",
            ["Twilio:MediaStreamUrl"] = "wss://voice.example.test/twilio",
            ["Twilio:ApiBaseUrl"] = twilio.BaseUri.ToString(),
            ["Dialer:MaxCallsPerRun"] = "100000",
            ["Dialer:Parallelism"] = "4",
        })
        {
            config[key] = value;
        }
        b.Configuration.AddInMemoryCollection(config);
    });
    await app.StartAsync(ct);
    try
    {
        var db = app.Services.GetRequiredService<MongoContext>();
        var now = DateTime.UtcNow;
        var campaignIds = new List<string>();
        var numberIndex = 0;
        for (var t = 0; t < tenantsTotal; t++)
        {
            var tenant = new Tenant { Id = Ids.New(), Name = $"Bench {t}", CreatedAt = now, MaxConcurrentCalls = 10_000, CallsPerSecond = 100_000 };
            await db.Tenants.InsertOneAsync(tenant, cancellationToken: ct);
            var agent = new Agent { Id = Ids.New(), TenantId = tenant.Id, UserId = Ids.New(), Name = "Bench agent", CreatedAt = now, UpdatedAt = now };
            await db.Agents.InsertOneAsync(agent, cancellationToken: ct);
            var perTenant = campaignsTotal / tenantsTotal + (t < campaignsTotal % tenantsTotal ? 1 : 0);
            for (var c = 0; c < perTenant; c++)
            {
                var count = numbersTotal / campaignsTotal + (campaignIds.Count < numbersTotal % campaignsTotal ? 1 : 0);
                var numbers = Enumerable.Range(numberIndex, count).Select(i => $"+1415{i:D7}").ToList();
                numberIndex += count;
                var campaign = new Campaign
                {
                    Id = Ids.New(), TenantId = tenant.Id, Name = $"Bench {t}.{c}", AgentId = agent.Id, PhoneNumbers = numbers,
                    Status = CampaignStatus.Running, CreatedAt = now, UpdatedAt = now, Dialer = new DialerSettings { MaxConcurrentCalls = 10_000 },
                };
                await db.Campaigns.InsertOneAsync(campaign, cancellationToken: ct);
                campaignIds.Add(campaign.Id);
            }
        }
        Say($"{dispatchers} dispatcher(s): {campaignIds.Count} campaigns with {numberIndex:N0} numbers");

        var clock = Stopwatch.StartNew();
        using (var scope = app.Services.CreateScope())
        {
            var dialer = scope.ServiceProvider.GetRequiredService<DialerService>();
            foreach (var id in campaignIds) await dialer.SeedAsync(id, ct);
        }
        var seedSeconds = clock.Elapsed.TotalSeconds;
        Say($"seeded {await db.CampaignNumbers.CountDocumentsAsync(FilterDefinition<CampaignNumber>.Empty, cancellationToken: ct):N0} numbers in {seedSeconds:F1} s");

        clock.Restart();
        var runs = 0;
        var deadline = TimeSpan.FromMinutes(30);
        await Task.WhenAll(Enumerable.Range(0, dispatchers).Select(_ => Task.Run(async () =>
        {
            using var scope = app.Services.CreateScope();
            var dialer = scope.ServiceProvider.GetRequiredService<DialerService>();
            while (twilio.Calls.Count < numberIndex && clock.Elapsed < deadline)
            {
                var result = await dialer.DispatchAsync(ct);
                Interlocked.Increment(ref runs);
                if (result.Placed == 0) await Task.Delay(50, ct);
            }
        }, ct)));
        var dispatchSeconds = clock.Elapsed.TotalSeconds;
        var placed = twilio.Calls;
        var duplicates = placed.Count - placed.Select(p => p.To).Distinct().Count();
        var perSecond = Math.Round(placed.Count / dispatchSeconds, 1);
        Say($"{placed.Count:N0} calls placed in {dispatchSeconds:F1} s: {perSecond} calls/s over {runs} runs; {duplicates} numbers dialled twice");
        if (placed.Count != numberIndex || duplicates != 0) throw new InvalidOperationException("not every number was dialled exactly once");
        return new JsonObject
        {
            ["dispatchers"] = dispatchers,
            ["seed_seconds"] = Math.Round(seedSeconds, 1),
            ["dispatch_seconds"] = Math.Round(dispatchSeconds, 1),
            ["calls_per_second"] = perSecond,
            ["runs"] = runs,
            ["twilio_requests"] = twilio.Requests,
            ["duplicates"] = duplicates,
        };
    }
    finally
    {
        var queues = new QueueServiceClient(settings.StorageConnectionString, new QueueClientOptions { MessageEncoding = QueueMessageEncoding.Base64 });
        await queues.GetQueueClient(eventsQueue).DeleteIfExistsAsync(CancellationToken.None);
        await app.StopAsync(CancellationToken.None);
        await app.DisposeAsync();
    }
}
