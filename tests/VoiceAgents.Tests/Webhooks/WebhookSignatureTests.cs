using System.Text;
using VoiceAgents.Core.Net;
using VoiceAgents.Functions.Webhooks;

namespace VoiceAgents.Tests.Webhooks;

/// <summary><see cref="WebhookSignature"/> as a receiver uses it.</summary>
public sealed class WebhookSignatureTests
{
    private const string Secret = "whsec_test-secret-0123456789";
    private static readonly byte[] Body = Encoding.UTF8.GetBytes("""{"id":"call.completed:1","type":"call.completed","data":{}}""");
    private static readonly DateTimeOffset At = DateTimeOffset.FromUnixTimeSeconds(1_790_000_000);

    [Fact]
    public void Signature_is_the_stripe_format_hmac_of_timestamp_dot_body()
    {
        var header = WebhookSignature.Sign(Secret, At, Body);

        using var hmac = new System.Security.Cryptography.HMACSHA256(Encoding.UTF8.GetBytes(Secret));
        var expected = Convert.ToHexStringLower(hmac.ComputeHash(Encoding.UTF8.GetBytes("1790000000.").Concat(Body).ToArray()));
        Assert.Equal($"t=1790000000,v1={expected}", header);
        Assert.True(WebhookSignature.Verify(header, Body, Secret, At));
    }

    [Fact]
    public void Tampered_body_other_secret_or_stale_timestamp_does_not_verify()
    {
        var header = WebhookSignature.Sign(Secret, At, Body);
        var tampered = (byte[])Body.Clone();
        tampered[^2] = (byte)'1';

        Assert.False(WebhookSignature.Verify(header, tampered, Secret, At));
        Assert.False(WebhookSignature.Verify(header, Body, Secret + "x", At));
        Assert.False(WebhookSignature.Verify(header, Body, Secret, At.AddMinutes(6)));
        Assert.False(WebhookSignature.Verify(header, Body, Secret, At.AddMinutes(-6)));
        Assert.True(WebhookSignature.Verify(header, Body, Secret, At.AddMinutes(4)));
        Assert.True(WebhookSignature.Verify(header, Body, Secret, At.AddMinutes(30), TimeSpan.FromHours(1)));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("v1=abc")]
    [InlineData("t=1790000000")]
    [InlineData("t=abc,v1=00")]
    [InlineData("t=1790000000,t=1790000000,v1=00")]
    public void Malformed_header_does_not_verify(string? header) =>
        Assert.False(WebhookSignature.Verify(header, Body, Secret, At));

    [Fact]
    public void Any_of_several_v1_signatures_may_match()
    {
        var good = WebhookSignature.Sign(Secret, At, Body);
        var other = WebhookSignature.Sign("whsec_another-secret-000000", At, Body);

        Assert.True(WebhookSignature.Verify($"{other},{good["t=1790000000,".Length..]}", Body, Secret, At));
    }

    [Fact]
    public void New_secrets_are_prefixed_random_and_32_bytes()
    {
        var a = WebhookSignature.NewSecret();
        var b = WebhookSignature.NewSecret();

        Assert.StartsWith("whsec_", a, StringComparison.Ordinal);
        Assert.NotEqual(a, b);
        Assert.Equal(6 + 43, a.Length);
    }
}
