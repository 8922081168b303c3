using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Reflection;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Serilog.Core;
using VoiceAgents.Core.Json;
using VoiceAgents.Functions.Infrastructure;
using VoiceAgents.Functions.LocalRunner;

namespace VoiceAgents.Tests.Infrastructure;

/// <summary>
/// The Functions app served by the local runner on a free loopback port, against the real local stack, with a
/// database, bucket and queue names of its own. Tests reach it only over HTTP and queues, as clients do.
/// </summary>
public sealed class ApiFixture : IAsyncLifetime
{
    public const string SigningKey = "test-signing-key-0123456789-abcdefghijklmnop";
    public const string Issuer = "voiceagents";
    public const string Audience = "voiceagents-api";

    /// <summary>The runner's operator key (<c>Operator:ApiKey</c>), for the operator's routes.</summary>
    public const string OperatorKey = "test-operator-key-0123456789-abcdefghijklmnop";

    /// <summary>The master key tenants' provider keys are sealed under (<c>Credentials:MasterKeys</c>), and its id.</summary>
    public const string MasterKeyId = "test-1";
    public const string MasterKey = "PXiBi+GX4Zb6OwfiEy/9kLEc54zBi3df5Hx7HOr9SiI=";

    private WebApplication? _app;

    public string RunId { get; } = Guid.NewGuid().ToString("N")[..10];
    public string DatabaseName => $"test_{RunId}";
    public string Bucket => $"test-{RunId}";

    /// <summary>This runner's call-completed queue: every runner of a test run polls a queue of its own.</summary>
    public string CallCompletedQueue => $"call-completed-{RunId}";

    /// <summary>This runner's events queue (webhooks and live updates).</summary>
    public string EventsQueue => $"events-{RunId}";

    /// <summary>This runner's webhook-deliveries queue.</summary>
    public string WebhookDeliveriesQueue => $"webhook-deliveries-{RunId}";

    /// <summary>This runner's call-analysis queue.</summary>
    public string CallAnalysisQueue => $"call-analysis-{RunId}";
    public Uri BaseAddress { get; private set; } = default!;
    public IServiceProvider Services => _app!.Services;

    /// <summary>Settings a test class may add before start (queue names for probe functions, say).</summary>
    public Dictionary<string, string?> Settings { get; } = new();

    /// <summary>The runner's clock, when a test steps it (a <c>FakeTimeProvider</c>); the system clock otherwise.</summary>
    public TimeProvider? Time { get; init; }

    /// <summary>Log categories whose records <see cref="Logs"/> keeps, for a test that waits on one.</summary>
    public string[] LogsOf { get; init; } = [];

    /// <summary>The records of <see cref="LogsOf"/>'s categories.</summary>
    public LogRecords Logs => _logs ??= new LogRecords(LogsOf);
    private LogRecords? _logs;

    public async Task InitializeAsync()
    {
        await LocalStack.EnsureStartedAsync();
        var settings = StackSettings(DatabaseName, Bucket);
        settings["ProbeQueue"] = $"probe-{RunId}";
        settings["CallCompletedQueue"] = CallCompletedQueue;
        settings["EventsQueue"] = EventsQueue;
        settings["WebhookDeliveriesQueue"] = WebhookDeliveriesQueue;
        settings["CallAnalysisQueue"] = CallAnalysisQueue;
        settings["Operator:ApiKey"] = OperatorKey;
        // As behind the Functions front end: tests play many clients from one machine through X-Forwarded-For
        // (AuthRequests.UniqueIp). A runner that must ignore forwarding headers sets this to "".
        settings["TrustedProxy:Header"] = "X-Forwarded-For";
        foreach (var (k, v) in Settings) settings[k] = v;

        _app = LocalRunnerApp.Create([], [typeof(ApiSetup).Assembly, Assembly.GetExecutingAssembly()], b =>
        {
            b.WebHost.UseUrls("http://127.0.0.1:0");
            b.Configuration.AddInMemoryCollection(settings);
            if (Time is not null) b.Services.AddSingleton(Time);
            if (LogsOf.Length > 0) b.Services.AddSingleton<ILogEventSink>(Logs);
        });
        await _app.StartAsync();
        var address = _app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        BaseAddress = new Uri(address.TrimEnd('/') + "/api/");
    }

    public async Task DisposeAsync()
    {
        if (_app is not null)
        {
            await _app.StopAsync();
            await _app.DisposeAsync();
        }
    }

    /// <summary>The settings every app under test shares: the local stack's endpoints and the token key.</summary>
    public static Dictionary<string, string?> StackSettings(string? database = null, string? bucket = null)
    {
        var settings = new Dictionary<string, string?>
        {
            ["Mongo:ConnectionString"] = LocalStack.MongoUrl,
            ["S3:ServiceUrl"] = LocalStack.S3Url,
            ["S3:AccessKey"] = "test",
            ["S3:SecretKey"] = "test-secret",
            ["AzureWebJobsStorage"] = LocalStack.StorageConnectionString,
            ["Jwt:SigningKey"] = SigningKey,
            ["Jwt:Issuer"] = Issuer,
            ["Jwt:Audience"] = Audience,
            ["HostJsonPath"] = Path.Combine(LocalStack.RepoRoot, "host.json"),
            [$"Credentials:MasterKeys:{MasterKeyId}"] = MasterKey,
            ["Credentials:ActiveKeyId"] = MasterKeyId,
        };
        if (database is not null) settings["Mongo:Database"] = database;
        if (bucket is not null) settings["S3:Bucket"] = bucket;
        return settings;
    }

    public HttpClient Client(string? token = null)
    {
        var client = new HttpClient { BaseAddress = BaseAddress, Timeout = TimeSpan.FromSeconds(30) };
        if (token is not null) client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return client;
    }

    /// <summary>A client that holds the operator key.</summary>
    public HttpClient OperatorClient() => Client(OperatorKey);

    /// <summary>Signs up a new tenant with a unique email and returns a client authenticated as its admin.</summary>
    public async Task<TenantSession> SignupAsync(string? label = null)
    {
        var email = $"{label ?? "user"}-{Guid.NewGuid():N}@example.com";
        const string password = "correct-horse-battery";
        // Signups are limited per client address; each tenant signs up from one of its own.
        var response = await this.PostSignupAsync(new { email, password, name = "Test Admin", organization = $"Org {label}" });
        var body = await response.Content.ReadAsStringAsync();
        if ((int)response.StatusCode != 201) throw new InvalidOperationException($"signup failed: {(int)response.StatusCode} {body}");
        var node = JsonNode.Parse(body)!;
        return new TenantSession(
            this, email, password,
            node["user"]!["id"]!.GetValue<string>(), node["user"]!["tenant_id"]!.GetValue<string>(),
            node["tokens"]!["access_token"]!.GetValue<string>(), node["tokens"]!["refresh_token"]!.GetValue<string>());
    }

    public static StringContent Json(object body) =>
        new(JsonSerializer.Serialize(body, JsonDefaults.Options), Encoding.UTF8, "application/json");

    public static StringContent RawJson(string body) => new(body, Encoding.UTF8, "application/json");
}

public sealed record TenantSession(ApiFixture Api, string Email, string Password, string UserId, string TenantId, string AccessToken, string RefreshToken)
{
    public HttpClient Client() => Api.Client(AccessToken);

    public async Task<JsonNode> CreateAgentAsync(string name = "Receptionist")
    {
        using var client = Client();
        var response = await client.PostAsync("agents", ApiFixture.Json(ValidAgent(name)));
        return await Read(response, 201);
    }

    /// <summary>An offline agent whose first message is <paramref name="firstMessage"/> (a Liquid template); its id.</summary>
    public async Task<string> CreateAgentSayingAsync(string firstMessage)
    {
        var agent = JsonSerializer.SerializeToNode(ValidAgent(), JsonDefaults.Options)!;
        agent["first_message"] = firstMessage;
        using var client = Client();
        return (await Read(await client.PostAsync("agents", ApiFixture.RawJson(agent.ToJsonString())), 201))["id"]!.GetValue<string>();
    }

    public async Task<JsonNode> CreateCampaignAsync(string agentId, params string[] numbers)
    {
        using var client = Client();
        var response = await client.PostAsync("campaigns", ApiFixture.Json(new { name = "Spring promo", agent_id = agentId, phone_numbers = numbers.Length > 0 ? numbers : ["+14155550100"] }));
        return await Read(response, 201);
    }

    public static object ValidAgent(string name = "Receptionist") => new
    {
        name,
        system_prompt = "You are a helpful receptionist.",
        first_message = "Hello, how can I help?",
        language = "en-US",
        llm = new { provider = "rules", model = (string?)null, temperature = 0.2 },
        stt = new { provider = "local", language = "en-US" },
        tts = new { provider = "local", voice = "slt", speed = 1.0 },
        rules = new[] { new { match = "book", reply = "Sure, what day would you like?", hang_up = false } },
    };

    public static async Task<JsonNode> Read(HttpResponseMessage response, int expectedStatus)
    {
        var body = await response.Content.ReadAsStringAsync();
        Assert.True((int)response.StatusCode == expectedStatus, $"expected {expectedStatus} but got {(int)response.StatusCode}: {body}");
        return JsonNode.Parse(body)!;
    }
}

[CollectionDefinition(Name)]
public sealed class ApiCollection : ICollectionFixture<ApiFixture>
{
    public const string Name = "api";
}
