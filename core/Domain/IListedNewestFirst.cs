namespace VoiceAgents.Core.Domain;

/// <summary>
/// A document the API lists newest first, by <see cref="CreatedAt"/> and then <see cref="Id"/>: the key that keyset
/// paging pages on (each list has an index on it behind its tenant).
/// </summary>
public interface IListedNewestFirst
{
    string Id { get; }
    DateTime CreatedAt { get; }
}
