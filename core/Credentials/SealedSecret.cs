namespace VoiceAgents.Core.Credentials;

/// <summary>
/// A secret sealed with AES-256-GCM (<see cref="CredentialCipher"/>): the id of the master key it is sealed under, so
/// the key can be rotated, the 12-byte nonce, the ciphertext and the 16-byte tag.
/// </summary>
public sealed class SealedSecret
{
    public required string KeyId { get; set; }
    public required byte[] Nonce { get; set; }
    public required byte[] Ciphertext { get; set; }
    public required byte[] Tag { get; set; }
}
