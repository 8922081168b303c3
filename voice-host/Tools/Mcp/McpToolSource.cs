using System.Text.RegularExpressions;
using Microsoft.Extensions.Caching.Memory;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using ModelContextProtocol.Client;
using VoiceAgents.Core.Domain;
using VoiceAgents.Core.Net;
using VoiceAgents.VoiceHost.Pipeline;
using VoiceAgents.VoiceHost.Processors;

namespace VoiceAgents.VoiceHost.Tools.Mcp;

/// <summary>
/// The tools of the agent's <c>mcp</c> tools: each names a Model Context Protocol server reached over streamable HTTP
/// with the official client, with the tool's headers. A server's tools are listed when a call starts, kept per agent
/// for <see cref="McpToolOptions.ListCacheDuration"/>, and offered as <c>{tool.Name}_{server tool}</c>. Each call has
/// one session per server (<see cref="McpSession"/>), closed when the call ends. Connections go through the tools' SSRF
/// guard. A server that cannot be listed gives no tools, and is not asked again for
/// <see cref="McpToolOptions.ListFailureCacheDuration"/>, so a server that is down does not cost its timeout at every
/// call's start; the calls go on without its tools.
/// </summary>
public sealed partial class McpToolSource : IToolSource, IDisposable
{
    private readonly McpToolOptions _options;
    private readonly SsrfGuard _targets;
    private readonly IMemoryCache _cache;
    private readonly HttpClient _http;
    private readonly ILoggerFactory _logs;
    private readonly ILogger<McpToolSource> _log;

    public McpToolSource(IOptions<McpToolOptions> options, SsrfGuard targets, IMemoryCache cache, ILoggerFactory logs)
    {
        _options = options.Value;
        _targets = targets;
        _cache = cache;
        _logs = logs;
        _log = logs.CreateLogger<McpToolSource>();
        // As the webhook sender's: no proxy, no redirects (a redirect could lead past the guard's scheme check), and
        // connections only to addresses the guard vetted. Each request's time is bounded by the tool's timeout.
        _http = new HttpClient(new SocketsHttpHandler
        {
            UseProxy = false,
            AllowAutoRedirect = false,
            UseCookies = false,
            PooledConnectionLifetime = TimeSpan.FromMinutes(2),
            ConnectCallback = _targets.ConnectAsync,
        })
        {
            Timeout = Timeout.InfiniteTimeSpan,
        };
    }

    public async Task<CallToolSet> ToolsForAsync(CallContext call, CancellationToken ct)
    {
        var servers = call.Agent.Tools.Where(t => t.Type == AgentToolTypes.Mcp).ToList();
        if (servers.Count == 0) return CallToolSet.Empty;
        var sessions = new McpCallSessions(this);
        try
        {
            var lists = await Task.WhenAll(servers.Select(s => ServerToolsAsync(call.Agent.Id, s, sessions.For(s), ct)));
            return new CallToolSet([.. lists.SelectMany(l => l)], sessions);
        }
        catch
        {
            await sessions.DisposeAsync();
            throw;
        }
    }

    private async Task<IReadOnlyList<ICallTool>> ServerToolsAsync(string agentId, AgentTool server, McpSession session, CancellationToken ct)
    {
        // Keyed by what reaches the server too, so an agent edited to another URL or headers is listed afresh.
        var key = (nameof(McpToolSource), agentId, server.Name, server.Url, string.Join('\n', server.Headers.OrderBy(h => h.Key, StringComparer.Ordinal).Select(h => $"{h.Key}:{h.Value}")));
        if (!_cache.TryGetValue(key, out Listing? listing) || listing is null)
        {
            try
            {
                // The listing's session is the call's: its tool calls go through it.
                var client = await session.ClientAsync(ct);
                var listed = await client.ListToolsAsync(cancellationToken: ct);
                listing = new Listing([.. listed.Select(t =>
                    (new ToolDefinition(ToolName(server.Name, t.Name), t.Description ?? t.Title ?? t.Name, t.JsonSchema.Clone()), t.Name))]);
                _cache.Set(key, listing, _options.ListCacheDuration);
            }
            catch (Exception e) when (!ct.IsCancellationRequested && e is not OutOfMemoryException)
            {
                LogListFailed(_log, server.Name, server.Url, e.Message);
                listing = Listing.Failed;
                _cache.Set(key, listing, _options.ListFailureCacheDuration);
            }
        }
        return [.. listing.Tools.Select(t => new McpCallTool(session, server, t.Definition, t.ServerName))];
    }

    /// <summary>
    /// A session with <paramref name="server"/>: refused URLs throw <see cref="TargetRefusedException"/>, and the
    /// whole handshake is bounded by the tool's timeout.
    /// </summary>
    internal async Task<McpClient> ConnectAsync(AgentTool server, CancellationToken ct)
    {
        if (!Uri.TryCreate(server.Url, UriKind.Absolute, out var url)) throw new TargetRefusedException($"{server.Url} is not an absolute URL");
        if (_targets.SchemeRefusal(url) is { } refusal) throw new TargetRefusedException($"the URL {refusal}");
        var transport = new HttpClientTransport(new HttpClientTransportOptions
        {
            Endpoint = url,
            TransportMode = HttpTransportMode.StreamableHttp,
            Name = server.Name,
            AdditionalHeaders = server.Headers,
            ConnectionTimeout = TimeSpan.FromMilliseconds(server.TimeoutMs),
        }, _http, _logs, ownsHttpClient: false);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(server.TimeoutMs);
        return await McpClient.CreateAsync(transport, new McpClientOptions(), _logs, timeout.Token);
    }

    /// <summary>
    /// The name the model sees. LLM vendors accept only <c>^[a-zA-Z0-9_-]{1,64}$</c>, while MCP tool names may hold
    /// dots and slashes: anything else becomes <c>_</c>, and the name is cut to 64.
    /// </summary>
    public static string ToolName(string prefix, string name)
    {
        var full = NotAllowedInName().Replace($"{prefix}_{name}", "_");
        return full.Length <= 64 ? full : full[..64];
    }

    public void Dispose() => _http.Dispose();

    /// <summary>A server's tools as listed (the same for every call of the agent); <see cref="Failed"/> when listing failed.</summary>
    private sealed record Listing(IReadOnlyList<(ToolDefinition Definition, string ServerName)> Tools)
    {
        public static readonly Listing Failed = new([]);
    }

    [GeneratedRegex("[^A-Za-z0-9_-]")]
    private static partial Regex NotAllowedInName();

    [LoggerMessage(Level = LogLevel.Warning, Message = "MCP tool {Tool}: listing the tools of {Url} failed, the call goes on without them: {Error}")]
    private static partial void LogListFailed(ILogger logger, string tool, string url, string error);
}
