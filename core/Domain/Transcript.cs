using MongoDB.Bson;
using MongoDB.Bson.Serialization.Attributes;

namespace VoiceAgents.Core.Domain;

public sealed class Transcript : ITenantOwned
{
    /// <summary>The call_id.</summary>
    [BsonRepresentation(BsonType.ObjectId)] public required string Id { get; set; }
    public required string TenantId { get; set; }
    public List<TranscriptTurn> Turns { get; set; } = [];
    public DateTime CreatedAt { get; set; }
}

public sealed class TranscriptTurn
{
    public required string Speaker { get; set; }
    public required string Text { get; set; }
    public long StartMs { get; set; }
    public long EndMs { get; set; }
    /// <summary>Set when <see cref="Speaker"/> is <c>tool</c>: the call the agent made.</summary>
    public ToolCallRecord? Tool { get; set; }
}
