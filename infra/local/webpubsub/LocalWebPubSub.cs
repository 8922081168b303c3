using System.Net.WebSockets;
using System.Text;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Http.Extensions;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using VoiceAgents.Core.Logging;

namespace VoiceAgents.WebPubSubLocal;

/// <summary>
/// A local stand-in for Azure Web PubSub that speaks the parts of its documented protocol this platform uses, so the
/// dashboard and the API use one client locally and in Azure:
/// <list type="bullet">
/// <item>the data-plane REST API: <c>POST /api/hubs/{hub}/groups/{group}/:send</c>, <c>POST /api/hubs/{hub}/:send</c> and
/// <c>POST /api/hubs/{hub}/users/{userId}/:closeConnections</c> (<c>excluded</c>, <c>reason</c>) (<c>api-version</c> required), each authorized by a bearer JWT signed HS256 with the access key whose <c>aud</c> is
/// the request URL, else 401; <c>GET /api/health</c>;</item>
/// <item>the client endpoint <c>/client/hubs/{hub}</c> (or <c>/client/?hub=</c>), with <c>access_token</c> in the query
/// or the Authorization header (<c>aud</c> = <c>http(s)://host/client/hubs/{hub}</c>, <c>sub</c>, <c>role</c>,
/// <c>webpubsub.group</c>), raw or with the <c>json.webpubsub.azure.v1</c> subprotocol.</item>
/// </list>
/// </summary>
public static partial class LocalWebPubSub
{
    public const string JsonSubprotocol = "json.webpubsub.azure.v1";
    public const string DefaultUrl = "http://127.0.0.1:7072";
    private const int MaxBodyBytes = 1024 * 1024;

    public static WebApplication Create(string[] args, Action<WebApplicationBuilder>? configure = null)
    {
        var builder = WebApplication.CreateSlimBuilder(args);
        configure?.Invoke(builder);
        var connectionString = builder.Configuration["WebPubSub:ConnectionString"]
            ?? throw new InvalidOperationException("Set WebPubSub:ConnectionString (Endpoint=http://127.0.0.1:7072;AccessKey=…;Version=1.0;).");
        var (endpoint, accessKey) = ParseConnectionString(connectionString);
        if (string.IsNullOrEmpty(builder.Configuration["urls"]) && string.IsNullOrEmpty(builder.Configuration["ASPNETCORE_URLS"]))
        {
            builder.WebHost.UseUrls(endpoint.IsLoopback && endpoint.Scheme == "http" ? $"http://127.0.0.1:{endpoint.Port}" : DefaultUrl);
        }
        var origins = (builder.Configuration["WebPubSub:AllowedOrigins"] ?? "http://127.0.0.1:3000,http://localhost:3000")
            .Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        builder.Services.AddCors(o => o.AddDefaultPolicy(p => p.WithOrigins(origins).AllowAnyHeader().AllowAnyMethod()));
        builder.Services.AddSingleton(new Hubs());
        // JSON lines like every other service; request logs stay off, since a client URL carries its access token.
        builder.Services.AddJsonLogging(builder.Configuration, "webpubsub-local");

        var app = builder.Build();
        var key = new SymmetricSecurityKey(Encoding.UTF8.GetBytes(accessKey));
        var hubs = app.Services.GetRequiredService<Hubs>();
        var stopping = app.Lifetime.ApplicationStopping;
        var log = app.Logger;

        app.UseCors();
        // Browsers send Origin on a WebSocket handshake and CORS does not apply to it: only the dashboard's origins may connect.
        var webSockets = new WebSocketOptions { KeepAliveInterval = TimeSpan.FromSeconds(20) };
        foreach (var origin in origins) webSockets.AllowedOrigins.Add(origin);
        app.UseWebSockets(webSockets);

        app.Run(async http =>
        {
            var path = http.Request.Path.Value ?? "";
            if (path == "/api/health" && (HttpMethods.IsGet(http.Request.Method) || HttpMethods.IsHead(http.Request.Method)))
            {
                http.Response.StatusCode = 200;
            }
            else if (path.StartsWith("/api/", StringComparison.Ordinal))
            {
                await RestAsync(http, path, key, hubs);
            }
            else if (path == "/client" || path == "/client/" || path.StartsWith("/client/hubs/", StringComparison.Ordinal))
            {
                await ClientAsync(http, path, key, hubs, log, stopping);
            }
            else
            {
                await ErrorAsync(http, 404, "NotFound", $"No such path {path}.");
            }
        });
        return app;
    }

    private static async Task RestAsync(HttpContext http, string path, SecurityKey key, Hubs hubs)
    {
        var group = SendToGroupPath().Match(path);
        var all = SendToAllPath().Match(path);
        var user = CloseUserConnectionsPath().Match(path);
        if (!group.Success && !all.Success && !user.Success)
        {
            await ErrorAsync(http, 404, "NotFound", $"This stand-in serves only :send to a hub or group and :closeConnections of a user, not {http.Request.Method} {path}.");
            return;
        }
        if (!HttpMethods.IsPost(http.Request.Method))
        {
            await ErrorAsync(http, 405, "MethodNotAllowed", "Use POST.");
            return;
        }
        if (string.IsNullOrEmpty(http.Request.Query["api-version"]))
        {
            await ErrorAsync(http, 400, "InvalidArgument", "The api-version query parameter is required.");
            return;
        }
        var header = http.Request.Headers.Authorization.ToString();
        var token = header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase) ? header[7..].Trim() : null;
        // The audience is the request URL as sent, query included.
        if (await ValidateAsync(token, http.Request.GetEncodedUrl(), key) is null)
        {
            http.Response.Headers.WWWAuthenticate = "Bearer";
            await ErrorAsync(http, 401, "Unauthorized", "A bearer JWT signed with the access key, with aud = the request URL and a future exp, is required.");
            return;
        }
        var excluded = http.Request.Query["excluded"].Where(v => !string.IsNullOrEmpty(v)).Select(v => v!).ToHashSet(StringComparer.Ordinal);
        if (user.Success)
        {
            var reason = http.Request.Query["reason"].FirstOrDefault();
            await hubs.Get(Uri.UnescapeDataString(user.Groups["hub"].Value))
                .CloseUserConnectionsAsync(Uri.UnescapeDataString(user.Groups["user"].Value), string.IsNullOrEmpty(reason) ? null : reason, excluded);
            http.Response.StatusCode = 204;
            return;
        }

        var dataType = DataTypeOf(http.Request.ContentType);
        if (dataType is null)
        {
            await ErrorAsync(http, 415, "UnsupportedMediaType", "Content-Type must be application/json, text/plain or application/octet-stream.");
            return;
        }
        using var body = new MemoryStream();
        await http.Request.Body.CopyToAsync(body, http.RequestAborted);
        if (body.Length > MaxBodyBytes)
        {
            await ErrorAsync(http, 413, "PayloadTooLarge", "The message is too large.");
            return;
        }
        var bytes = body.ToArray();
        JsonNode? data;
        try
        {
            data = dataType switch
            {
                "json" => JsonNode.Parse(bytes),
                "text" => JsonValue.Create(Encoding.UTF8.GetString(bytes)),
                _ => JsonValue.Create(Convert.ToBase64String(bytes)),
            };
        }
        catch (System.Text.Json.JsonException)
        {
            await ErrorAsync(http, 400, "InvalidArgument", "The body is not valid JSON.");
            return;
        }

        var message = new OutgoingMessage(dataType, data, bytes);
        if (group.Success)
        {
            var hub = Uri.UnescapeDataString(group.Groups["hub"].Value);
            hubs.Get(hub).SendToGroup(Uri.UnescapeDataString(group.Groups["group"].Value), message, fromUserId: null, excluded);
        }
        else
        {
            hubs.Get(Uri.UnescapeDataString(all.Groups["hub"].Value)).SendToAll(message, excluded);
        }
        http.Response.StatusCode = 202;
    }

    private static async Task ClientAsync(HttpContext http, string path, SecurityKey key, Hubs hubs, ILogger log, CancellationToken stopping)
    {
        var hubName = path.StartsWith("/client/hubs/", StringComparison.Ordinal) ? Uri.UnescapeDataString(path["/client/hubs/".Length..].TrimEnd('/')) : http.Request.Query["hub"].ToString();
        if (!HubName().IsMatch(hubName))
        {
            await ErrorAsync(http, 400, "InvalidArgument", "A hub name (a letter, then letters, digits or _) is required.");
            return;
        }
        var header = http.Request.Headers.Authorization.ToString();
        var token = http.Request.Query["access_token"].FirstOrDefault()
            ?? (header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase) ? header[7..].Trim() : null);
        var audience = $"{http.Request.Scheme}://{http.Request.Host.ToUriComponent()}/client/hubs/{hubName}";
        var claims = await ValidateAsync(token, audience, key);
        if (claims is null)
        {
            await ErrorAsync(http, 401, "Unauthorized", $"An access_token signed with the access key, with aud = {audience} and a future exp, is required.");
            return;
        }
        if (!http.WebSockets.IsWebSocketRequest)
        {
            await ErrorAsync(http, 400, "InvalidArgument", "Connect with a WebSocket.");
            return;
        }
        var requested = http.WebSockets.WebSocketRequestedProtocols;
        string? subprotocol = null;
        if (requested.Count > 0)
        {
            if (!requested.Contains(JsonSubprotocol))
            {
                await ErrorAsync(http, 400, "InvalidArgument", $"This stand-in speaks only the {JsonSubprotocol} subprotocol (or none).");
                return;
            }
            subprotocol = JsonSubprotocol;
        }

        var socket = await http.WebSockets.AcceptWebSocketAsync(subprotocol);
        using var closing = CancellationTokenSource.CreateLinkedTokenSource(http.RequestAborted, stopping);
        var hub = hubs.Get(hubName);
        var connection = new ClientConnection(socket, subprotocol is not null, Claim(claims, JwtRegisteredClaimNames.Sub),
            Claims(claims, "role"), hub, log);
        hub.Add(connection, Claims(claims, "webpubsub.group"));
        try
        {
            await connection.RunAsync(closing.Token);
        }
        finally
        {
            hub.Remove(connection);
        }
    }

    /// <summary>The token's claims when it is signed with the access key (HS256), meant for this audience and not expired.</summary>
    private static async Task<IDictionary<string, object>?> ValidateAsync(string? token, string audience, SecurityKey key)
    {
        if (string.IsNullOrEmpty(token) || token.Length > 16 * 1024) return null;
        var result = await new JsonWebTokenHandler { MapInboundClaims = false }.ValidateTokenAsync(token, new TokenValidationParameters
        {
            ValidateIssuer = false,
            ValidAudience = audience,
            IssuerSigningKey = key,
            ValidAlgorithms = [SecurityAlgorithms.HmacSha256],
            RequireSignedTokens = true,
            RequireExpirationTime = true,
            ValidateLifetime = true,
            ClockSkew = TimeSpan.FromSeconds(30),
        });
        return result.IsValid ? result.Claims : null;
    }

    private static string? Claim(IDictionary<string, object> claims, string name) =>
        claims.TryGetValue(name, out var v) ? v?.ToString() : null;

    /// <summary>A claim that may be one string or an array of them.</summary>
    private static IReadOnlyList<string> Claims(IDictionary<string, object> claims, string name) => claims.TryGetValue(name, out var v)
        ? v switch
        {
            string s => [s],
            IEnumerable<object> many => many.Select(o => o?.ToString()).OfType<string>().ToList(),
            _ => [],
        }
        : [];

    private static string? DataTypeOf(string? contentType)
    {
        var mediaType = contentType?.Split(';')[0].Trim().ToLowerInvariant();
        return mediaType switch
        {
            "application/json" => "json",
            "text/plain" => "text",
            "application/octet-stream" => "binary",
            _ => null,
        };
    }

    private static Task ErrorAsync(HttpContext http, int status, string code, string message)
    {
        http.Response.StatusCode = status;
        http.Response.Headers["x-ms-error-code"] = code;
        return http.Response.WriteAsJsonAsync(new { code, message });
    }

    /// <summary>The connection string as the service's SDKs read it: Endpoint and AccessKey, an optional Port.</summary>
    public static (Uri Endpoint, string AccessKey) ParseConnectionString(string connectionString)
    {
        var values = connectionString.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(p => p.Split('=', 2)).Where(kv => kv.Length == 2)
            .ToDictionary(kv => kv[0].Trim(), kv => kv[1].Trim(), StringComparer.OrdinalIgnoreCase);
        if (!values.TryGetValue("Endpoint", out var endpoint) || !Uri.TryCreate(endpoint, UriKind.Absolute, out var uri)) throw new FormatException("The connection string needs Endpoint=.");
        if (!values.TryGetValue("AccessKey", out var key) || key.Length == 0) throw new FormatException("The connection string needs AccessKey=.");
        var builder = new UriBuilder(uri);
        if (values.TryGetValue("Port", out var port)) builder.Port = int.Parse(port, System.Globalization.CultureInfo.InvariantCulture);
        return (builder.Uri, key);
    }

    [GeneratedRegex(@"^/api/hubs/(?<hub>[^/]+)/groups/(?<group>[^/]+)/:send$")]
    private static partial Regex SendToGroupPath();

    [GeneratedRegex(@"^/api/hubs/(?<hub>[^/]+)/:send$")]
    private static partial Regex SendToAllPath();

    [GeneratedRegex(@"^/api/hubs/(?<hub>[^/]+)/users/(?<user>[^/]+)/:closeConnections$")]
    private static partial Regex CloseUserConnectionsPath();

    [GeneratedRegex(@"^[A-Za-z][A-Za-z0-9_]{0,127}$")]
    private static partial Regex HubName();
}
