using ModelContextProtocol.Client;
using VoiceAgents.Core.Domain;

namespace VoiceAgents.VoiceHost.Tools.Mcp;

/// <summary>
/// One call's session with one MCP server: opened by the call-start listing or the first tool call, shared by all the
/// call's tool calls to that server (the SDK's client takes concurrent requests), and closed when the call ends. A
/// session is never shared between calls: streamable HTTP sessions expire, and one would tie different callers'
/// conversations together on the server.
/// </summary>
public sealed class McpSession(McpToolSource source, AgentTool server) : IAsyncDisposable
{
    private readonly CancellationTokenSource _closed = new();
    private readonly Lock _gate = new();
    private Task<McpClient>? _opening;

    /// <summary>The open session, opening it if none is (bounded by the tool's timeout); <paramref name="ct"/> stops only this caller's wait.</summary>
    public async Task<McpClient> ClientAsync(CancellationToken ct)
    {
        Task<McpClient> opening;
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_closed.IsCancellationRequested, this);
            opening = _opening ??= source.ConnectAsync(server, _closed.Token);
        }
        try
        {
            return await opening.WaitAsync(ct);
        }
        catch when (opening.IsFaulted || opening.IsCanceled)
        {
            // A session that failed to open is not kept: the next tool call tries again.
            Forget(opening);
            throw;
        }
    }

    /// <summary>Drops a session whose transport failed (the server restarted, the session expired), so the next use opens another.</summary>
    public void Drop(McpClient client)
    {
        Task<McpClient>? dropped;
        lock (_gate)
        {
            dropped = _opening;
            if (dropped is not { IsCompletedSuccessfully: true } || dropped.Result != client) return;
            _opening = null;
        }
        _ = client.DisposeAsync().AsTask();
    }

    private void Forget(Task<McpClient> failed)
    {
        lock (_gate)
        {
            if (_opening == failed) _opening = null;
        }
    }

    public async ValueTask DisposeAsync()
    {
        Task<McpClient>? opening;
        lock (_gate)
        {
            if (_closed.IsCancellationRequested) return;
            _closed.Cancel();
            opening = _opening;
            _opening = null;
        }
        if (opening is not null)
        {
            await ((Task)opening).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            if (opening.IsCompletedSuccessfully) await opening.Result.DisposeAsync();
        }
        _closed.Dispose();
    }
}
