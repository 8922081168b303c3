using System.Globalization;
using System.Security.Cryptography;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using MongoDB.Bson;
using VoiceAgents.Bench.Api;
using VoiceAgents.Core.Auth;
using VoiceAgents.Core.Data;
using VoiceAgents.Core.Domain;
using VoiceAgents.Core.Telephony;
using VoiceAgents.Tests.Infrastructure;
using VoiceAgents.VoiceHost;
using static VoiceAgents.Bench.Api.BenchHost;

namespace VoiceAgents.Bench.Offline;

/// <summary>
/// A real voice-host in this process on the offline path (Silero VAD, PocketSphinx, the rules LLM, flite slt), a
/// CongoDB stand-in of its own, one agent that answers everything with <see cref="Reply"/>, and what a caller needs to
/// dial it: a member JWT for <c>/ws</c> and a stream token for <c>/twilio</c>. Finished calls are written to
/// <see cref="CallsFolder"/> (the local call sink), where their transcripts are read back.
/// </summary>
public sealed class OfflineHost : IAsyncDisposable
{
    public const string Greeting = "Hello, thanks for calling.";
    public const string Reply = "Certainly. For what time would you like the table?";

    private readonly CongoDbProcess? _mongo;
    private readonly WebApplication _app;
    private readonly TokenService _tokens;
    private readonly StreamTokens _streamTokens;

    private OfflineHost(CongoDbProcess? mongo, WebApplication app, Agent agent, TokenService tokens, StreamTokens streamTokens, string callsFolder)
    {
        _mongo = mongo;
        _app = app;
        Agent = agent;
        _tokens = tokens;
        _streamTokens = streamTokens;
        CallsFolder = callsFolder;
        var address = new Uri(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First());
        Ws = new Uri($"ws://{address.Authority}/ws");
        Twilio = new Uri($"ws://{address.Authority}/twilio");
    }

    public Agent Agent { get; }
    public Uri Ws { get; }
    public Uri Twilio { get; }
    public string CallsFolder { get; }

    /// <param name="configure">Changes the agent (and may add to the database) before voice-host starts.</param>
    public static async Task<OfflineHost> StartAsync(BenchSettings settings, CancellationToken ct, Func<MongoContext, Agent, Task>? configure = null)
    {
        var (mongo, mongoUrl) = await StartMongoAsync(settings, ct, maxHeapMb: 1024);
        var runId = Guid.NewGuid().ToString("N")[..8];
        var database = $"bench_offline_{runId}";
        var db = new MongoContext(Options.Create(new MongoOptions { ConnectionString = mongoUrl, Database = database }));
        var now = DateTime.UtcNow;
        var tenant = new Tenant { Id = ObjectId.GenerateNewId().ToString(), Name = "Bench", CreatedAt = now, MaxConcurrentCalls = 100 };
        await db.Tenants.InsertOneAsync(tenant, cancellationToken: ct);
        var agent = new Agent
        {
            Id = ObjectId.GenerateNewId().ToString(),
            TenantId = tenant.Id,
            UserId = ObjectId.GenerateNewId().ToString(),
            Name = "Bench",
            SystemPrompt = "You take table bookings.",
            FirstMessage = Greeting,
            Language = "en-US",
            Llm = new LlmConfig { Provider = "rules" },
            Stt = new SttConfig { Provider = "local", Language = "en-US" },
            Tts = new TtsConfig { Provider = "local", Voice = "slt" },
            // Every sentence of the set gets the same answer, so the reply's cost is the same for all.
            FallbackLine = Reply,
            CreatedAt = now,
            UpdatedAt = now,
        };
        if (configure is not null) await configure(db, agent);
        await db.Agents.InsertOneAsync(agent, cancellationToken: ct);
        // voice-host accepts a member's token only while the member exists in the tenant (at the token's version, 0 here).
        await db.Users.InsertOneAsync(new User
        {
            Id = agent.UserId,
            TenantId = agent.TenantId,
            Email = $"bench-{agent.UserId}@example.com",
            Name = "Bench",
            Role = Roles.Admin,
            PasswordHash = "",
            CreatedAt = now,
            UpdatedAt = now,
        }, cancellationToken: ct);
        var jwt = new JwtOptions { SigningKey = Convert.ToBase64String(RandomNumberGenerator.GetBytes(48)), AccessTokenLifetime = TimeSpan.FromHours(6) };
        var callsFolder = Path.Combine(Path.GetTempPath(), $"bench-offline-{runId}");
        var app = VoiceHostApp.Create([], b =>
        {
            b.WebHost.UseUrls("http://127.0.0.1:0");
            b.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
            {
                ["Mongo:ConnectionString"] = mongoUrl,
                ["Mongo:Database"] = database,
                ["Jwt:SigningKey"] = jwt.SigningKey,
                ["Jwt:Issuer"] = jwt.Issuer,
                ["Jwt:Audience"] = jwt.Audience,
                ["Voice:CallSink"] = "local",
                ["Voice:CallsFolder"] = callsFolder,
                // The operator's port is a fixed one (7861): another voice-host on the machine may hold it.
                ["Voice:OperatorUrl"] = "",
                ["Serilog:MinimumLevel:Default"] = "Warning",
                // No S3 here (recordings go to the local folder): its retries at start would fill the output.
                ["Serilog:MinimumLevel:Override:VoiceAgents.Core.StorageInitializer"] = "Error",
            });
        });
        await app.StartAsync(ct);
        var tokens = new TokenService(Options.Create(jwt), TimeProvider.System);
        var streamTokens = new StreamTokens(Options.Create(jwt), Options.Create(new TwilioOptions()), TimeProvider.System);
        return new OfflineHost(mongo, app, agent, tokens, streamTokens, callsFolder);
    }

    /// <summary>A caller on <c>/ws</c>, authenticated (<c>ready</c> received) at <paramref name="sampleRate"/>.</summary>
    public async Task<VoiceClient> CallAsync(int sampleRate)
    {
        var caller = await VoiceClient.ConnectAsync(Ws);
        try
        {
            await caller.AuthenticateAsync(_tokens.CreateAccessToken(new TokenIdentity(Agent.UserId, Agent.TenantId, Roles.Admin, "bench@example.com")), Agent.Id, sampleRate);
        }
        catch (TimeoutException e)
        {
            throw new InvalidOperationException($"no ready: closed {caller.CloseStatus} {caller.CloseReason}", e);
        }
        return caller;
    }

    /// <summary>The <c>customParameters</c> of an inbound phone call's stream, as the API's TwiML gives them.</summary>
    public Dictionary<string, string> StreamParameters(string callId) => new()
    {
        ["token"] = _streamTokens.Create(new StreamGrant(callId, Agent.TenantId, Agent.Id, null, null, 1)),
        ["call_id"] = callId,
        ["agent_id"] = Agent.Id,
        ["tenant_id"] = Agent.TenantId,
    };

    /// <summary>The finished call's record from the local call sink, waited for (it is written after the call ends).</summary>
    public async Task<CallRecord> CompletedCallAsync(string callId, CancellationToken ct)
    {
        var path = Path.Combine(CallsFolder, callId + ".json");
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(TimeSpan.FromSeconds(60));
        while (!File.Exists(path)) await Task.Delay(50, timeout.Token);
        await using var file = File.OpenRead(path);
        return (await System.Text.Json.JsonSerializer.DeserializeAsync<CallRecord>(file, Core.Json.JsonDefaults.Options, ct))!;
    }

    public static string Number(double value) => value.ToString("0.#", CultureInfo.InvariantCulture);

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync(CancellationToken.None);
        await _app.DisposeAsync();
        if (_mongo is not null) await _mongo.DisposeAsync();
        if (Directory.Exists(CallsFolder)) Directory.Delete(CallsFolder, recursive: true);
    }
}
