using MongoDB.Bson;
using VoiceAgents.Core.Errors;

namespace VoiceAgents.Core.Data;

/// <summary>Every document id is a 24-hex ObjectId; a malformed id in a request is bad input, not a missing resource.</summary>
public static class Ids
{
    public static string New() => ObjectId.GenerateNewId().ToString();

    public static bool IsValid(string? id) => id is { Length: 24 } && ObjectId.TryParse(id, out _);

    public static string Parse(string? id, string field = "id")
    {
        if (!IsValid(id))
        {
            throw new ValidationException(field, "must be a 24-character hexadecimal id.");
        }
        return id!.ToLowerInvariant();
    }
}
