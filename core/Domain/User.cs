using MongoDB.Bson;
using MongoDB.Bson.Serialization.Attributes;

namespace VoiceAgents.Core.Domain;

public sealed class User : ITenantOwned
{
    [BsonRepresentation(BsonType.ObjectId)] public required string Id { get; set; }
    public required string TenantId { get; set; }
    public required string Email { get; set; }
    public required string Name { get; set; }
    public string Role { get; set; } = Roles.User;
    public required string PasswordHash { get; set; }
    /// <summary>
    /// Bumped by a demotion or a password change; access tokens carry the version they were issued at and are refused
    /// once it moves on. A user stored before it existed reads as 0.
    /// </summary>
    public int TokenVersion { get; set; }
    public DateTime CreatedAt { get; set; }
    public DateTime UpdatedAt { get; set; }
}

public static class Roles
{
    public const string Admin = "admin";
    public const string User = "user";
    public static readonly string[] All = [Admin, User];
}
