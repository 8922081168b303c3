using System.Buffers.Text;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Options;
using VoiceAgents.Core.Auth;

namespace VoiceAgents.Tests.Infrastructure;

/// <summary>Reads and forges JWTs the way an attacker (or a test) would: by hand, or with core's own TokenService.</summary>
public static class Jwt
{
    public static JsonObject Header(string token) => Decode(token.Split('.')[0]);

    public static JsonObject Payload(string token) => Decode(token.Split('.')[1]);

    public static string Encode(JsonNode part) => Base64Url.EncodeToString(Encoding.UTF8.GetBytes(part.ToJsonString()));

    /// <summary>Core's token service with the test runner's settings unless told otherwise.</summary>
    public static TokenService Issuer(
        TimeProvider? time = null, string key = ApiFixture.SigningKey, string issuer = ApiFixture.Issuer, string audience = ApiFixture.Audience) =>
        new(Options.Create(new JwtOptions { SigningKey = key, Issuer = issuer, Audience = audience }), time ?? TimeProvider.System);

    private static JsonObject Decode(string part) => JsonNode.Parse(Base64Url.DecodeFromChars(part))!.AsObject();
}

/// <summary>A clock stopped at one instant.</summary>
public sealed class FixedTimeProvider(DateTimeOffset now) : TimeProvider
{
    public override DateTimeOffset GetUtcNow() => now;
}
