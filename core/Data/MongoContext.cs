using Microsoft.Extensions.Options;
using MongoDB.Bson;
using MongoDB.Bson.Serialization.Conventions;
using MongoDB.Driver;
using VoiceAgents.Core.Calls;
using VoiceAgents.Core.Domain;

namespace VoiceAgents.Core.Data;

/// <summary>The database and its collections. Documents use snake_case element names, as the API does.</summary>
public sealed class MongoContext
{
    static MongoContext()
    {
        var pack = new ConventionPack
        {
            new SnakeCaseElementNameConvention(),
            new IgnoreExtraElementsConvention(true),
            new EnumRepresentationConvention(BsonType.String),
        };
        ConventionRegistry.Register("voiceagents", pack, t => t.Namespace?.StartsWith("VoiceAgents", StringComparison.Ordinal) == true);
    }

    public MongoContext(IOptions<MongoOptions> options)
    {
        var settings = MongoClientSettings.FromConnectionString(options.Value.ConnectionString);
        settings.ServerSelectionTimeout = options.Value.ServerSelectionTimeout;
        settings.ConnectTimeout = options.Value.ConnectTimeout;
        // The local stand-in and Cosmos DB for MongoDB do not support retryable writes.
        settings.RetryWrites = false;
        Client = new MongoClient(settings);
        Database = Client.GetDatabase(options.Value.Database);
    }

    public IMongoClient Client { get; }
    public IMongoDatabase Database { get; }

    public IMongoCollection<Tenant> Tenants => Database.GetCollection<Tenant>("tenants");
    public IMongoCollection<User> Users => Database.GetCollection<User>("users");
    public IMongoCollection<RefreshToken> RefreshTokens => Database.GetCollection<RefreshToken>("refresh_tokens");
    public IMongoCollection<LoginAttemptWindow> LoginAttempts => Database.GetCollection<LoginAttemptWindow>("login_attempts");
    public IMongoCollection<LoginFailureLog> LoginFailures => Database.GetCollection<LoginFailureLog>("login_failures");
    public IMongoCollection<Agent> Agents => Database.GetCollection<Agent>("agents");
    public IMongoCollection<Campaign> Campaigns => Database.GetCollection<Campaign>("campaigns");
    public IMongoCollection<CallLog> CallLogs => Database.GetCollection<CallLog>("call_logs");
    public IMongoCollection<Transcript> Transcripts => Database.GetCollection<Transcript>("transcripts");
    public IMongoCollection<AnalyticsDay> Analytics => Database.GetCollection<AnalyticsDay>("analytics");
    public IMongoCollection<Webhook> Webhooks => Database.GetCollection<Webhook>("webhooks");
    public IMongoCollection<WebhookDelivery> WebhookDeliveries => Database.GetCollection<WebhookDelivery>("webhook_deliveries");
    public IMongoCollection<CampaignNumber> CampaignNumbers => Database.GetCollection<CampaignNumber>("campaign_numbers");
    public IMongoCollection<InboundNumber> InboundNumbers => Database.GetCollection<InboundNumber>("inbound_numbers");
    public IMongoCollection<CallSlot> CallSlots => Database.GetCollection<CallSlot>("call_slots");
    public IMongoCollection<ProviderCredential> ProviderCredentials => Database.GetCollection<ProviderCredential>("provider_credentials");
    public IMongoCollection<ApiKey> ApiKeys => Database.GetCollection<ApiKey>("api_keys");
    public IMongoCollection<CallToken> CallTokens => Database.GetCollection<CallToken>("call_tokens");
    public IMongoCollection<PublishableKey> PublishableKeys => Database.GetCollection<PublishableKey>("publishable_keys");
    public IMongoCollection<CallRateWindow> CallRateWindows => Database.GetCollection<CallRateWindow>("call_rate_windows");
    public IMongoCollection<KnowledgeBase> KnowledgeBases => Database.GetCollection<KnowledgeBase>("knowledge_bases");
    public IMongoCollection<KnowledgeDocument> KnowledgeDocuments => Database.GetCollection<KnowledgeDocument>("knowledge_documents");
    public IMongoCollection<KnowledgeChunk> KnowledgeChunks => Database.GetCollection<KnowledgeChunk>("knowledge_chunks");

    public Task PingAsync(CancellationToken ct) =>
        Database.RunCommandAsync((Command<BsonDocument>)"{ ping: 1 }", cancellationToken: ct);
}

/// <summary>Maps PascalCase members to snake_case elements (<c>TenantId</c> to <c>tenant_id</c>); <c>Id</c> stays <c>_id</c>.</summary>
public sealed class SnakeCaseElementNameConvention : ConventionBase, IMemberMapConvention
{
    public void Apply(MongoDB.Bson.Serialization.BsonMemberMap memberMap)
    {
        if (memberMap.MemberName == "Id") return;
        memberMap.SetElementName(System.Text.Json.JsonNamingPolicy.SnakeCaseLower.ConvertName(memberMap.MemberName));
    }
}
