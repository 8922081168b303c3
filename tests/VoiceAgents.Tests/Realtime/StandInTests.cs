using System.Net;
using System.Net.Http.Headers;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using VoiceAgents.Functions.Realtime;

namespace VoiceAgents.Tests.Realtime;

/// <summary>
/// The local Web PubSub stand-in keeps the service's rules: REST sends need a JWT signed with the access key for that
/// very URL; clients need a token for the hub, get <c>connected</c>, sit in their token's groups and may join only
/// the groups their roles name.
/// </summary>
public sealed class StandInTests : IAsyncLifetime
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(10);
    private WebPubSubStandIn _pubsub = default!;
    private WebPubSubClient _client = default!;

    public async Task InitializeAsync()
    {
        _pubsub = await WebPubSubStandIn.StartAsync();
        _client = new WebPubSubClient(new HttpClient(), WebPubSubConnectionString.Parse(_pubsub.ConnectionString), new WebPubSubOptions(), TimeProvider.System);
    }

    public async Task DisposeAsync() => await _pubsub.DisposeAsync();

    [Fact]
    public async Task Rest_send_without_a_valid_jwt_is_refused_with_401()
    {
        var uri = _client.SendToGroupUri("tenant-a");
        using var http = new HttpClient();

        Assert.Equal(HttpStatusCode.Unauthorized, await SendAsync(http, uri, token: null));
        Assert.Equal(HttpStatusCode.Unauthorized, await SendAsync(http, uri, Token(uri.AbsoluteUri, "another-access-key-0123456789-abcdefghijkl")));
        // Signed right, but for another URL (another group), or expired.
        Assert.Equal(HttpStatusCode.Unauthorized, await SendAsync(http, uri, _client.RestToken(_client.SendToGroupUri("tenant-b"))));
        Assert.Equal(HttpStatusCode.Unauthorized, await SendAsync(http, uri, Token(uri.AbsoluteUri, _pubsub.AccessKey, expires: DateTime.UtcNow.AddMinutes(-5))));
        // An unsigned token (alg: none) is no token.
        var unsigned = new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor { Audience = uri.AbsoluteUri, Expires = DateTime.UtcNow.AddMinutes(5) });
        Assert.Equal(HttpStatusCode.Unauthorized, await SendAsync(http, uri, unsigned));

        Assert.Equal(HttpStatusCode.Accepted, await SendAsync(http, uri, _client.RestToken(uri)));
    }

    [Fact]
    public async Task Client_with_the_subprotocol_gets_connected_and_the_messages_of_its_token_groups()
    {
        await using var client = await PubSubClient.ConnectAsync(_client.ClientAccess("user-a", "a").Url);

        Assert.Equal(WebPubSubClient.JsonSubprotocol, client.Subprotocol);
        var connected = await client.WaitForAsync(m => m["type"]?.GetValue<string>() == "system", Wait, "connected");
        Assert.Equal("connected", connected["event"]!.GetValue<string>());
        Assert.Equal("user-a", connected["userId"]!.GetValue<string>());
        Assert.False(string.IsNullOrEmpty(connected["connectionId"]!.GetValue<string>()));

        await _client.PublishAsync("a", new JsonObject { ["id"] = "e1", ["type"] = "call.started" }, CancellationToken.None);

        var message = await client.WaitForAsync(m => PubSubClient.IsEvent(m, "e1"), Wait, "the published event");
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse("""
            {"type":"message","from":"group","group":"tenant-a","dataType":"json","data":{"id":"e1","type":"call.started"}}
            """), message), message.ToJsonString());
    }

    [Fact]
    public async Task Client_may_join_only_the_groups_its_roles_name()
    {
        await using var a = await PubSubClient.ConnectAsync(_client.ClientAccess("user-a", "a").Url);
        await a.WaitForAsync(m => m["event"]?.GetValue<string>() == "connected", Wait, "connected");

        await a.SendAsync(new { type = "joinGroup", group = "tenant-b", ackId = 1 });
        var refused = await a.WaitForAsync(m => m["type"]?.GetValue<string>() == "ack" && m["ackId"]?.GetValue<long>() == 1, Wait, "ack 1");
        Assert.False(refused["success"]!.GetValue<bool>());
        Assert.Equal("Forbidden", refused["error"]!["name"]!.GetValue<string>());

        await a.SendAsync(new { type = "joinGroup", group = "tenant-a", ackId = 2 });
        var allowed = await a.WaitForAsync(m => m["type"]?.GetValue<string>() == "ack" && m["ackId"]?.GetValue<long>() == 2, Wait, "ack 2");
        Assert.True(allowed["success"]!.GetValue<bool>());

        // Nor may it publish: the dashboard only listens.
        await a.SendAsync(new { type = "sendToGroup", group = "tenant-a", dataType = "json", data = new { x = 1 }, ackId = 3 });
        var publish = await a.WaitForAsync(m => m["type"]?.GetValue<string>() == "ack" && m["ackId"]?.GetValue<long>() == 3, Wait, "ack 3");
        Assert.Equal("Forbidden", publish["error"]!["name"]!.GetValue<string>());

        await _client.PublishAsync("b", new JsonObject { ["id"] = "for-b" }, CancellationToken.None);
        await _client.PublishAsync("a", new JsonObject { ["id"] = "for-a" }, CancellationToken.None);
        await a.WaitForAsync(m => PubSubClient.IsEvent(m, "for-a"), Wait, "a's event");
        Assert.DoesNotContain(a.Seen, m => PubSubClient.IsEvent(m, "for-b"));
    }

    [Fact]
    public async Task Client_token_is_checked_before_the_websocket_is_accepted()
    {
        var good = _client.ClientAccess("u", "a").Url;
        var forged = new UriBuilder(good) { Query = "access_token=" + Token($"http://{good.Authority}/client/hubs/dashboard", "not-the-access-key-0123456789-abcdefghijkl") }.Uri;
        var otherHub = new Uri(good.AbsoluteUri.Replace("/client/hubs/dashboard", "/client/hubs/other", StringComparison.Ordinal));

        foreach (var url in new[] { forged, otherHub, new UriBuilder(good) { Query = "" }.Uri })
        {
            var e = await Assert.ThrowsAsync<WebSocketException>(() => PubSubClient.ConnectAsync(url));
            Assert.Contains("401", e.Message, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task Browser_origins_of_the_dashboard_may_connect_and_others_may_not()
    {
        var url = _client.ClientAccess("u", "a").Url;

        await using (var dashboard = await PubSubClient.ConnectAsync(url, origin: "http://127.0.0.1:3000"))
        {
            await dashboard.WaitForAsync(m => m["event"]?.GetValue<string>() == "connected", Wait, "connected");
        }
        var e = await Assert.ThrowsAsync<WebSocketException>(() => PubSubClient.ConnectAsync(url, origin: "http://evil.example"));
        Assert.Contains("403", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Rest_close_of_a_users_connections_closes_each_of_them_and_no_other()
    {
        await using var a1 = await PubSubClient.ConnectAsync(_client.ClientAccess("user-a", "t").Url);
        await using var a2 = await PubSubClient.ConnectAsync(_client.ClientAccess("user-a", "t").Url);
        await using var b = await PubSubClient.ConnectAsync(_client.ClientAccess("user-b", "t").Url);
        foreach (var c in new[] { a1, a2, b }) await c.WaitForAsync(m => m["event"]?.GetValue<string>() == "connected", Wait, "connected");
        using var http = new HttpClient();
        var uri = _client.CloseUserConnectionsUri("user-a", "bye");
        Assert.Equal(HttpStatusCode.Unauthorized, await SendAsync(http, uri, token: null));
        Assert.Equal(HttpStatusCode.Unauthorized, await SendAsync(http, uri, _client.RestToken(_client.CloseUserConnectionsUri("user-b", "bye"))));

        await _client.CloseUserConnectionsAsync("user-a", "bye", CancellationToken.None);

        foreach (var a in new[] { a1, a2 })
        {
            var disconnected = await a.WaitForAsync(m => m["event"]?.GetValue<string>() == "disconnected", Wait, "disconnected");
            Assert.Equal("bye", disconnected["message"]!.GetValue<string>());
            await a.Closed.WaitAsync(Wait);
            Assert.Equal(WebSocketCloseStatus.NormalClosure, a.CloseStatus);
        }
        await _client.PublishAsync("t", new JsonObject { ["id"] = "after", ["type"] = "call.started" }, CancellationToken.None);
        await b.WaitForAsync(m => PubSubClient.IsEvent(m, "after"), Wait, "the event after the close");
    }

    private static async Task<HttpStatusCode> SendAsync(HttpClient http, Uri uri, string? token)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, uri) { Content = new StringContent("""{"id":"x"}""", Encoding.UTF8, "application/json") };
        if (token is not null) request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        using var response = await http.SendAsync(request);
        return response.StatusCode;
    }

    private static string Token(string audience, string key, DateTime? expires = null) => new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
    {
        Audience = audience,
        IssuedAt = DateTime.UtcNow.AddMinutes(-10),
        NotBefore = DateTime.UtcNow.AddMinutes(-10),
        Expires = expires ?? DateTime.UtcNow.AddMinutes(5),
        SigningCredentials = new SigningCredentials(new SymmetricSecurityKey(Encoding.UTF8.GetBytes(key)), SecurityAlgorithms.HmacSha256),
    });
}
