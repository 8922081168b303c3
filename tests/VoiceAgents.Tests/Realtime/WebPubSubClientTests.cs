using System.Buffers.Text;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using VoiceAgents.Functions.Realtime;
using VoiceAgents.Tests.Infrastructure;
using VoiceAgents.Tests.Providers.VendorServers;

namespace VoiceAgents.Tests.Realtime;

/// <summary>The thin Web PubSub client sends exactly what the service's REST docs describe and signs client tokens as its SDKs do.</summary>
public sealed class WebPubSubClientTests
{
    private const string Key = "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGH";
    private static readonly DateTimeOffset Now = new(2026, 3, 1, 12, 0, 0, TimeSpan.Zero);

    private static WebPubSubClient Client(string connectionString, HttpClient? http = null) =>
        new(http ?? new HttpClient(), WebPubSubConnectionString.Parse(connectionString), new WebPubSubOptions(), new FixedTimeProvider(Now));

    [Fact]
    public async Task Publish_posts_the_message_to_the_tenant_group_with_a_jwt_whose_audience_is_the_request_url()
    {
        await using var server = await LoopbackServer.StartAsync(http => { http.Response.StatusCode = 202; return Task.CompletedTask; });
        var endpoint = server.BaseUri.GetLeftPart(UriPartial.Authority);
        var client = Client($"Endpoint={endpoint};AccessKey={Key};Version=1.0;");
        var message = new JsonObject { ["id"] = "call.completed:abc", ["type"] = "call.ended", ["data"] = new JsonObject { ["call_id"] = "abc" } };

        await client.PublishAsync("65f000000000000000000001", message, CancellationToken.None);

        var request = server.Single();
        Assert.Equal("POST", request.Method);
        Assert.Equal("/api/hubs/dashboard/groups/tenant-65f000000000000000000001/:send", request.Path);
        Assert.Equal("?api-version=2024-01-01", request.Query);
        Assert.Equal("application/json", request.Header("Content-Type"));
        Assert.True(JsonNode.DeepEquals(message, JsonNode.Parse(request.Body)), request.Body);

        var authorization = request.Header("Authorization")!;
        Assert.StartsWith("Bearer ", authorization, StringComparison.Ordinal);
        var token = authorization["Bearer ".Length..];
        Assert.Equal("HS256", Jwt.Header(token)["alg"]!.GetValue<string>());
        AssertSignedWith(token, Key);
        var claims = Jwt.Payload(token);
        // The docs: aud is the SAME as the HTTP request URL, query included.
        Assert.Equal($"{endpoint}/api/hubs/dashboard/groups/tenant-65f000000000000000000001/:send?api-version=2024-01-01", claims["aud"]!.GetValue<string>());
        Assert.Equal(Now.AddMinutes(5).ToUnixTimeSeconds(), claims["exp"]!.GetValue<long>());
    }

    [Fact]
    public async Task Publish_throws_when_the_service_refuses_the_send()
    {
        await using var server = await LoopbackServer.StartAsync(http => Wire.JsonAsync(http, 401, """{"code":"Unauthorized"}"""));
        var client = Client($"Endpoint={server.BaseUri.GetLeftPart(UriPartial.Authority)};AccessKey={Key};Version=1.0;");

        var e = await Assert.ThrowsAsync<HttpRequestException>(() => client.PublishAsync("t1", new JsonObject(), CancellationToken.None));
        Assert.Equal(HttpStatusCode.Unauthorized, e.StatusCode);
    }

    [Fact]
    public async Task Closing_a_users_connections_posts_to_the_documented_route_with_a_jwt_for_that_url()
    {
        await using var server = await LoopbackServer.StartAsync(http => { http.Response.StatusCode = 204; return Task.CompletedTask; });
        var endpoint = server.BaseUri.GetLeftPart(UriPartial.Authority);
        var client = Client($"Endpoint={endpoint};AccessKey={Key};Version=1.0;");

        await client.CloseUserConnectionsAsync("65f000000000000000000002", "removed from the organization", CancellationToken.None);

        var request = server.Single();
        Assert.Equal("POST", request.Method);
        Assert.Equal("/api/hubs/dashboard/users/65f000000000000000000002/:closeConnections", request.Path);
        Assert.Equal("?api-version=2024-01-01&reason=removed%20from%20the%20organization", request.Query);
        var token = request.Header("Authorization")!["Bearer ".Length..];
        AssertSignedWith(token, Key);
        Assert.Equal($"{endpoint}/api/hubs/dashboard/users/65f000000000000000000002/:closeConnections?api-version=2024-01-01&reason=removed%20from%20the%20organization",
            Jwt.Payload(token)["aud"]!.GetValue<string>());
    }

    [Fact]
    public void Client_access_url_lets_the_connection_into_its_tenant_group_and_no_other()
    {
        var client = Client($"Endpoint=https://example.webpubsub.azure.com;AccessKey={Key};Version=1.0;");

        var access = client.ClientAccess("user-1", "tenant-a-id");

        Assert.Equal(("dashboard", "tenant-tenant-a-id"), (access.Hub, access.Group));
        Assert.Equal("wss", access.Url.Scheme);
        Assert.Equal("example.webpubsub.azure.com", access.Url.Authority);
        Assert.Equal("/client/hubs/dashboard", access.Url.AbsolutePath);
        var token = QueryHelpers(access.Url)["access_token"];
        AssertSignedWith(token, Key);
        var claims = Jwt.Payload(token);
        // As the SDKs sign it: the audience is the https endpoint's client path, not the wss URL.
        Assert.Equal("https://example.webpubsub.azure.com/client/hubs/dashboard", claims["aud"]!.GetValue<string>());
        Assert.Equal("user-1", claims["sub"]!.GetValue<string>());
        Assert.Equal(new[] { "webpubsub.joinLeaveGroup.tenant-tenant-a-id" }, claims["role"]!.AsArray().Select(r => r!.GetValue<string>()));
        Assert.Equal(new[] { "tenant-tenant-a-id" }, claims["webpubsub.group"]!.AsArray().Select(g => g!.GetValue<string>()));
        // Short: the service checks it only at connect, so it bounds how long a removed member can reconnect.
        Assert.Equal(Now.AddMinutes(5).ToUnixTimeSeconds(), claims["exp"]!.GetValue<long>());
        Assert.Equal(Now.AddMinutes(5), access.ExpiresAt);
    }

    [Fact]
    public void Local_http_endpoint_with_a_port_gives_a_ws_url_on_that_port()
    {
        var client = Client($"endpoint=http://127.0.0.1;Port=7072;accesskey={Key};Version=1.0;");

        var access = client.ClientAccess("u", "t");

        Assert.StartsWith("ws://127.0.0.1:7072/client/hubs/dashboard?access_token=", access.Url.AbsoluteUri, StringComparison.Ordinal);
        Assert.Equal("http://127.0.0.1:7072/client/hubs/dashboard", Jwt.Payload(QueryHelpers(access.Url)["access_token"])["aud"]!.GetValue<string>());
    }

    [Theory]
    [InlineData("AccessKey=abc;Version=1.0;")]
    [InlineData("Endpoint=https://example.webpubsub.azure.com;Version=1.0;")]
    [InlineData("Endpoint=ftp://example.com;AccessKey=abc;")]
    [InlineData("Endpoint=https://example.webpubsub.azure.com;AccessKey=abc;Port=99999;")]
    public void Malformed_connection_strings_are_refused(string connectionString)
    {
        Assert.Throws<FormatException>(() => WebPubSubConnectionString.Parse(connectionString));
        Assert.False(WebPubSubConnectionString.TryParse(connectionString, out _));
    }

    private static Dictionary<string, string> QueryHelpers(Uri url) =>
        Microsoft.AspNetCore.WebUtilities.QueryHelpers.ParseQuery(url.Query).ToDictionary(kv => kv.Key, kv => kv.Value.ToString());

    /// <summary>HMAC-SHA256 over header.payload with the access key's UTF-8 bytes, as the service checks it.</summary>
    private static void AssertSignedWith(string token, string key)
    {
        var parts = token.Split('.');
        var expected = HMACSHA256.HashData(Encoding.UTF8.GetBytes(key), Encoding.ASCII.GetBytes($"{parts[0]}.{parts[1]}"));
        Assert.Equal(Base64Url.EncodeToString(expected), parts[2]);
    }
}
