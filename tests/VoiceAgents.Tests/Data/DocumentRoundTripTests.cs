using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using MongoDB.Bson;
using MongoDB.Driver;
using VoiceAgents.Core.Calls;
using VoiceAgents.Core.Data;
using VoiceAgents.Core.Domain;
using VoiceAgents.Core.Json;
using VoiceAgents.Core.Queues;
using VoiceAgents.Tests.Infrastructure;

namespace VoiceAgents.Tests.Data;

/// <summary>
/// Every stored document, its <c>required</c> members set and every other member filled, reads back from MongoDB as it
/// was written; the driver builds documents through their parameterless constructors, which <c>required</c> does not stop.
/// </summary>
[Collection(ApiCollection.Name)]
public sealed class DocumentRoundTripTests(ApiFixture api)
{
    // MongoDB keeps milliseconds, in UTC.
    private static readonly DateTime At = new(2026, 3, 1, 12, 0, 3, 120, DateTimeKind.Utc);

    public static TheoryData<string> Documents => [.. Samples.Keys];

    private static readonly Dictionary<string, Func<MongoContext, Task<(object Written, object? Read)>>> Samples = new()
    {
        ["tenant"] = db => RoundTripAsync(db, new Tenant
        {
            Id = Ids.New(), Name = "Acme", AdminCount = 2, CreatedAt = At, ActiveCalls = 3, MaxConcurrentCalls = 7, CallsPerSecond = 1.5,
            NextDialAt = At.AddSeconds(1), WebhookCount = 4,
        }, t => t.Id),
        ["user"] = db => RoundTripAsync(db, new User
        {
            Id = Ids.New(), TenantId = Ids.New(), Email = "ada@example.com", Name = "Ada", Role = Roles.Admin, PasswordHash = "AQAAAAIAAYagAAAAE",
            TokenVersion = 3, CreatedAt = At, UpdatedAt = At.AddMinutes(1),
        }, u => u.Id),
        ["refresh token"] = db => RoundTripAsync(db, new RefreshToken
        {
            Id = Ids.New(), TenantId = Ids.New(), UserId = Ids.New(), TokenHash = "ab12", FamilyId = "family", CreatedAt = At,
            ExpiresAt = At.AddDays(7), UsedAt = At.AddHours(1), RevokedAt = At.AddHours(2),
        }, t => t.Id),
        ["login attempt window"] = db => RoundTripAsync(db, new LoginAttemptWindow
        {
            Id = Ids.New(), Key = "ip:203.0.113.7", WindowStart = At, Count = 5, ExpiresAt = At.AddMinutes(1),
        }, w => w.Id),
        ["login failure log"] = db => RoundTripAsync(db, new LoginFailureLog
        {
            Id = Ids.New(), Key = "c0ffee", Failures = [new LoginFailure { At = At, Token = "t1" }], ExpiresAt = At.AddMinutes(15),
        }, l => l.Id),
        ["agent"] = db => RoundTripAsync(db, new Agent
        {
            Id = Ids.New(), TenantId = Ids.New(), UserId = Ids.New(), Name = "Receptionist", SystemPrompt = "Be brief.", FirstMessage = "Hello!",
            Language = "en-GB",
            Llm = new LlmConfig { Provider = "openai", Model = "gpt-4o-mini", Temperature = 0.3, FallbackProvider = "rules", FallbackModel = "m" },
            Stt = new SttConfig { Provider = "deepgram", Language = "en-GB", FallbackProvider = "local" },
            Tts = new TtsConfig { Provider = "cartesia", Voice = "v", Speed = 1.1, FallbackProvider = "local", FallbackVoice = "slt" },
            Rules = [new AgentRule { Match = "hours", Reply = "Nine to five.", HangUp = true }],
            FallbackLine = "Sorry?",
            Voicemail = new VoicemailSettings { MachineDetection = true, Action = VoicemailActions.LeaveMessage, Message = "Call us back." },
            CreatedAt = At, UpdatedAt = At.AddMinutes(1),
        }, a => a.Id),
        ["campaign"] = db => RoundTripAsync(db, new Campaign
        {
            Id = Ids.New(), TenantId = Ids.New(), Name = "Spring", AgentId = Ids.New(), PhoneNumbers = ["+14155550100"], Status = CampaignStatus.Paused,
            CreatedAt = At, UpdatedAt = At,
            Dialer = new DialerSettings
            {
                MaxConcurrentCalls = 2, MaxAttempts = 3, RetryDelaySeconds = 60,
                CallingWindow = new CallingWindow { Start = "08:00", End = "20:00", TimeZone = "Europe/London" },
            },
            NumbersSeeded = true, ActiveCalls = 1, CompletedAt = At.AddHours(1),
        }, c => c.Id),
        ["campaign number"] = db => RoundTripAsync(db, new CampaignNumber
        {
            Id = Ids.New(), TenantId = Ids.New(), CampaignId = Ids.New(), PhoneNumber = "+14155550100", Status = NumberStatus.InProgress, Attempts = 2,
            NextAttemptAt = At, ClaimExpiresAt = At.AddMinutes(1), ClaimedBy = "dispatcher-1", CallId = Ids.New(), ProviderCallId = "CA123",
            LastOutcome = "busy", UpdatedAt = At,
        }, n => n.Id),
        ["inbound number"] = db => RoundTripAsync(db, new InboundNumber
        {
            Id = Ids.New(), PhoneNumber = "+14155550199", TenantId = Ids.New(), AgentId = Ids.New(), CreatedAt = At,
        }, n => n.Id),
        ["call log"] = db => RoundTripAsync(db, new CallLog
        {
            Id = Ids.New(), TenantId = Ids.New(), AgentId = Ids.New(), CampaignId = Ids.New(), PhoneNumber = "+14155550100", Status = CallStatus.NoAnswer,
            EndReason = "no-answer", Attempt = 2, StartedAt = At, EndedAt = At.AddSeconds(30), DurationSeconds = 30, RecordingKey = "r.wav",
            TranscriptKey = "t.json", Turns = [new TurnMetrics { Turn = 1, VoiceToVoiceMs = 800, SttMs = 120, LlmTtftMs = 300, TtsTtfbMs = 90 }],
            AvgVoiceToVoiceMs = 800, CreatedAt = At.AddSeconds(30),
        }, c => c.Id),
        ["transcript"] = db => RoundTripAsync(db, new Transcript
        {
            Id = Ids.New(), TenantId = Ids.New(), Turns = [new TranscriptTurn { Speaker = "agent", Text = "Hello!", StartMs = 0, EndMs = 900 }], CreatedAt = At,
        }, t => t.Id),
        ["analytics day"] = db => RoundTripAsync(db, new AnalyticsDay
        {
            Id = Ids.New(), TenantId = Ids.New(), Scope = AnalyticsDay.AgentScope, ScopeId = Ids.New(), Day = At.Date, Calls = 3,
            ByStatus = new() { ["completed"] = 2, ["no_answer"] = 1 }, DurationSum = 90, VoiceToVoiceSum = 2400, VoiceToVoiceCalls = 3, CallIds = ["a", "b"],
        }, d => d.Id),
        ["webhook"] = db => RoundTripAsync(db, new Webhook
        {
            Id = Ids.New(), TenantId = Ids.New(), Url = "https://example.com/hook", Events = ["call.completed"], Secret = "whsec_x", CreatedAt = At, UpdatedAt = At,
        }, w => w.Id),
        ["webhook delivery"] = db => RoundTripAsync(db, new WebhookDelivery
        {
            Id = Ids.New(), TenantId = Ids.New(), WebhookId = Ids.New(), EventId = "call.completed:x", EventType = "call.completed",
            Status = WebhookDeliveryStatus.Failed, Attempts = 5, LastStatusCode = 500, LastError = "boom", CreatedAt = At, UpdatedAt = At,
            DeliveredAt = At.AddSeconds(1), ClaimedUntil = At.AddSeconds(30),
        }, d => d.Id),
        ["call slot"] = db => RoundTripAsync(db, new CallSlot { Id = Ids.New(), TenantId = Ids.New(), Holder = "voice-host-1", ExpiresAt = At }, s => s.Id),
        ["provider credential"] = db => RoundTripAsync(db, new ProviderCredential
        {
            Id = Ids.New(), TenantId = Ids.New(), Provider = "twilio", Last4 = "1234", BaseUrl = "https://llm.example.com/v1", AccountSid = "AC0123",
            Key = new VoiceAgents.Core.Credentials.SealedSecret { KeyId = "k1", Nonce = [1, 2], Ciphertext = [3, 4, 5], Tag = [6] },
            Verified = true, CreatedAt = At, UpdatedAt = At.AddMinutes(1),
        }, c => c.Id),
    };

    [Theory]
    [MemberData(nameof(Documents))]
    public async Task A_stored_document_reads_back_from_mongodb_as_it_was_written(string document)
    {
        var (written, read) = await Samples[document](api.Services.GetRequiredService<MongoContext>());

        Assert.NotNull(read);
        Assert.Equal(Json(written), Json(read));
    }

    [Fact]
    public async Task A_document_stored_without_a_required_member_still_reads_back_with_it_missing()
    {
        // Documents written before a member existed, and projections, leave members out: reading must not fail.
        var db = api.Services.GetRequiredService<MongoContext>();
        var collection = db.Database.GetCollection<BsonDocument>($"roundtrip_partial_{api.RunId}");
        var id = ObjectId.GenerateNewId();
        await collection.InsertOneAsync(new BsonDocument { ["_id"] = id, ["tenant_id"] = "t" });

        var agent = await db.Database.GetCollection<Agent>(collection.CollectionNamespace.CollectionName).Find(a => a.Id == id.ToString()).SingleAsync();

        Assert.Equal("t", agent.TenantId);
        Assert.Null(agent.Name);
        Assert.Equal("rules", agent.Llm.Provider);
    }

    [Fact]
    public void A_call_completed_message_with_transcript_turns_round_trips_through_its_json()
    {
        var message = new CallCompletedMessage(
            Ids.New(), "session", Ids.New(), Ids.New(), null, "+14155550100", At, At.AddSeconds(30), 30, CallStatus.Completed, "hangup", "r.wav",
            [new TurnMetrics { Turn = 1, VoiceToVoiceMs = 800 }], [new TranscriptTurn { Speaker = "user", Text = "Hi", StartMs = 10, EndMs = 500 }]);

        var read = JsonSerializer.Deserialize<CallCompletedMessage>(message.ToUtf8Json(), JsonDefaults.Options)!;

        Assert.Equal(Json(message), Json(read));
        Assert.Equal("Hi", Assert.Single(read.Transcript!).Text);
    }

    private static async Task<(object, object?)> RoundTripAsync<T>(MongoContext db, T document, Func<T, string> id)
    {
        var collection = db.Database.GetCollection<T>($"roundtrip_{typeof(T).Name.ToLowerInvariant()}");
        await collection.InsertOneAsync(document);
        var read = await collection.Find(Builders<T>.Filter.Eq("_id", ObjectId.Parse(id(document)))).SingleOrDefaultAsync();
        return (document!, read);
    }

    private static string Json(object value) => JsonSerializer.Serialize(value, value.GetType(), JsonDefaults.Options);
}
