using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using VoiceAgents.Core.Json;

namespace VoiceAgents.Functions.Realtime;

/// <summary>
/// A thin client of Azure Web PubSub's data-plane REST API (the SDK is not in our registry). Each request carries a
/// bearer JWT signed HS256 with the access key whose <c>aud</c> is the request URL itself, query included, and a short
/// <c>exp</c>; client access URLs carry a JWT whose <c>aud</c> is <c>{endpoint}/client/hubs/{hub}</c>, as the
/// service's SDKs sign them.
/// </summary>
public sealed class WebPubSubClient : IRealtimePublisher
{
    /// <summary>The data-plane API version of every request.</summary>
    public const string ApiVersion = "2024-01-01";

    /// <summary>The client subprotocol the dashboard speaks.</summary>
    public const string JsonSubprotocol = "json.webpubsub.azure.v1";

    public const string RoleClaim = "role";
    public const string GroupClaim = "webpubsub.group";

    private readonly HttpClient _http;
    private readonly WebPubSubConnectionString _connection;
    private readonly WebPubSubOptions _options;
    private readonly TimeProvider _time;
    private readonly SigningCredentials _signing;
    private readonly JsonWebTokenHandler _tokens = new() { SetDefaultTimesOnTokenCreation = false };

    public WebPubSubClient(HttpClient http, WebPubSubConnectionString connection, WebPubSubOptions options, TimeProvider time)
    {
        _http = http;
        _connection = connection;
        _options = options;
        _time = time;
        _signing = new SigningCredentials(new SymmetricSecurityKey(Encoding.UTF8.GetBytes(connection.AccessKey)), SecurityAlgorithms.HmacSha256);
    }

    public bool Enabled => true;

    public string Hub => _options.Hub;

    /// <summary><c>POST {endpoint}/api/hubs/{hub}/groups/{group}/:send?api-version=…</c></summary>
    public Uri SendToGroupUri(string group) =>
        new(_connection.Endpoint, $"api/hubs/{Uri.EscapeDataString(_options.Hub)}/groups/{Uri.EscapeDataString(group)}/:send?api-version={ApiVersion}");

    /// <summary><c>POST {endpoint}/api/hubs/{hub}/users/{userId}/:closeConnections?api-version=…&amp;reason=…</c></summary>
    public Uri CloseUserConnectionsUri(string userId, string reason) =>
        new(_connection.Endpoint, $"api/hubs/{Uri.EscapeDataString(_options.Hub)}/users/{Uri.EscapeDataString(userId)}/:closeConnections"
            + $"?api-version={ApiVersion}&reason={Uri.EscapeDataString(reason)}");

    public Task PublishAsync(string tenantId, JsonObject message, CancellationToken ct)
    {
        var uri = SendToGroupUri(RealtimeGroups.ForTenant(tenantId));
        var content = new ByteArrayContent(JsonSerializer.SerializeToUtf8Bytes(message, JsonDefaults.Options));
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        return PostAsync(uri, content, "send", ct);
    }

    /// <summary>The service answers 204 whether or not the user had connections.</summary>
    public Task CloseUserConnectionsAsync(string userId, string reason, CancellationToken ct) =>
        PostAsync(CloseUserConnectionsUri(userId, reason), null, "close of user connections", ct);

    private async Task PostAsync(Uri uri, HttpContent? content, string what, CancellationToken ct)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, uri) { Content = content };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", RestToken(uri));
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(_options.RequestTimeout);
        using var response = await _http.SendAsync(request, timeout.Token);
        if (!response.IsSuccessStatusCode)
        {
            var body = await response.Content.ReadAsStringAsync(timeout.Token);
            throw new HttpRequestException(
                $"Web PubSub refused the {what} at {uri.AbsolutePath}: {(int)response.StatusCode} {body[..Math.Min(body.Length, 300)]}",
                null, response.StatusCode);
        }
    }

    /// <summary>The bearer token of one REST request: <c>aud</c> = the request URL, <c>exp</c> soon after.</summary>
    public string RestToken(Uri requestUri)
    {
        var now = _time.GetUtcNow().UtcDateTime;
        return _tokens.CreateToken(new SecurityTokenDescriptor
        {
            Audience = requestUri.AbsoluteUri,
            IssuedAt = now,
            Expires = now + _options.RestTokenLifetime,
            SigningCredentials = _signing,
        });
    }

    /// <summary>
    /// A client access URL (<c>ws(s)://host/client/hubs/{hub}?access_token=…</c>) for one user of one tenant: the token
    /// puts the connection in the tenant's group at once (<c>webpubsub.group</c>) and its only role lets it join or
    /// leave that group and no other; it cannot publish.
    /// </summary>
    public RealtimeClientAccess ClientAccess(string userId, string tenantId)
    {
        var group = RealtimeGroups.ForTenant(tenantId);
        var now = _time.GetUtcNow();
        var expires = now + _options.ClientTokenLifetime;
        var relative = $"client/hubs/{Uri.EscapeDataString(_options.Hub)}";
        var token = _tokens.CreateToken(new SecurityTokenDescriptor
        {
            Audience = new Uri(_connection.Endpoint, relative).AbsoluteUri,
            IssuedAt = now.UtcDateTime,
            NotBefore = now.UtcDateTime,
            Expires = expires.UtcDateTime,
            Claims = new Dictionary<string, object>
            {
                [JwtRegisteredClaimNames.Sub] = userId,
                [RoleClaim] = new[] { $"webpubsub.joinLeaveGroup.{group}" },
                [GroupClaim] = new[] { group },
            },
            SigningCredentials = _signing,
        });
        var client = new UriBuilder(_connection.Endpoint) { Scheme = _connection.Endpoint.Scheme == "http" ? "ws" : "wss" };
        if (client.Uri.IsDefaultPort) client.Port = -1;
        return new RealtimeClientAccess(new Uri($"{client.Uri.AbsoluteUri}{relative}?access_token={token}"), _options.Hub, group,
            DateTimeOffset.FromUnixTimeSeconds(expires.ToUnixTimeSeconds()));
    }
}
