namespace VoiceAgents.Core.Credentials;

/// <summary>What a rotation did: the key it sealed under, how many it re-sealed and how many remain under another key.</summary>
public sealed record CredentialRotationResult(string ActiveKeyId, int Rotated, long Remaining);
