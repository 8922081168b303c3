using System.Security.Cryptography;
using Microsoft.Extensions.Options;
using VoiceAgents.Core.Credentials;
using VoiceAgents.Tests.Infrastructure;

namespace VoiceAgents.Tests.Credentials;

/// <summary>Tenants' provider keys sealed with AES-256-GCM: bound to their tenant and provider, and to the master key named in them.</summary>
public sealed class CredentialCipherTests
{
    private const string OtherKey = "/GGY+uM7fMDAexBODohu74qjAwtOOkVTvUvhFAuKzII=";

    public static CredentialCipher Cipher(string? active, params (string Id, string Key)[] keys) => new(Options.Create(new CredentialOptions
    {
        MasterKeys = keys.ToDictionary(k => k.Id, k => k.Key),
        ActiveKeyId = active,
    }));

    private static CredentialCipher Test => Cipher(ApiFixture.MasterKeyId, (ApiFixture.MasterKeyId, ApiFixture.MasterKey));

    [Fact]
    public void A_sealed_key_names_its_master_key_hides_the_key_and_opens_for_its_tenant_and_provider()
    {
        var sealedKey = Test.Seal("tenant-a", "openai", "sk-tenant-a-0123456789");

        Assert.Equal(ApiFixture.MasterKeyId, sealedKey.KeyId);
        Assert.Equal(12, sealedKey.Nonce.Length);
        Assert.Equal(16, sealedKey.Tag.Length);
        Assert.DoesNotContain("sk-tenant", System.Text.Encoding.UTF8.GetString(sealedKey.Ciphertext), StringComparison.Ordinal);
        Assert.Equal("sk-tenant-a-0123456789", Test.Open("tenant-a", "openai", sealedKey));
    }

    [Fact]
    public void The_same_key_sealed_twice_differs_since_each_seal_has_its_own_nonce()
    {
        var first = Test.Seal("tenant-a", "openai", "sk-same");
        var second = Test.Seal("tenant-a", "openai", "sk-same");
        Assert.NotEqual(first.Nonce, second.Nonce);
        Assert.NotEqual(first.Ciphertext, second.Ciphertext);
    }

    [Fact]
    public void A_sealed_key_moved_to_another_tenant_or_provider_does_not_open()
    {
        var sealedKey = Test.Seal("tenant-a", "openai", "sk-tenant-a-0123456789");
        Assert.ThrowsAny<CryptographicException>(() => Test.Open("tenant-b", "openai", sealedKey));
        Assert.ThrowsAny<CryptographicException>(() => Test.Open("tenant-a", "anthropic", sealedKey));
    }

    [Fact]
    public void A_tampered_ciphertext_does_not_open()
    {
        var sealedKey = Test.Seal("tenant-a", "openai", "sk-tenant-a-0123456789");
        sealedKey.Ciphertext[0] ^= 1;
        Assert.ThrowsAny<CryptographicException>(() => Test.Open("tenant-a", "openai", sealedKey));
    }

    [Fact]
    public void A_key_sealed_under_a_master_key_no_longer_configured_does_not_open_and_says_which()
    {
        var sealedKey = Test.Seal("tenant-a", "openai", "sk-tenant-a-0123456789");
        var rotated = Cipher("test-2", ("test-2", OtherKey));
        var e = Assert.ThrowsAny<CryptographicException>(() => rotated.Open("tenant-a", "openai", sealedKey));
        Assert.Contains("test-1", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_master_key_that_is_not_32_bytes_is_refused_at_start()
    {
        var e = Assert.Throws<InvalidOperationException>(() => Cipher("short", ("short", Convert.ToBase64String(new byte[16]))));
        Assert.Contains("32 bytes", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Without_a_master_key_tenants_keys_are_off()
    {
        Assert.False(Cipher(null).Configured);
        Assert.True(Test.Configured);
    }
}
