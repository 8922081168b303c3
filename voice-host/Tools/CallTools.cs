using Microsoft.Extensions.Logging;
using VoiceAgents.VoiceHost.Pipeline;
using VoiceAgents.VoiceHost.Processors;

namespace VoiceAgents.VoiceHost.Tools;

/// <summary>
/// The tools of one call, by name, gathered from every <see cref="IToolSource"/> when the call starts; disposing it at
/// the call's end closes what the sources hold open for the call (MCP sessions).
/// </summary>
public sealed partial class CallTools : IToolBox
{
    public static readonly CallTools None = new([]);

    private readonly Dictionary<string, ICallTool> _byName = new(StringComparer.Ordinal);
    private readonly IReadOnlyList<CallToolSet> _sets;

    public CallTools(IReadOnlyList<CallToolSet> sets)
    {
        _sets = sets;
        var tools = sets.SelectMany(s => s);
        // The first tool of a name wins: names are unique per agent, and a source's tools are prefixed.
        foreach (var tool in tools) _byName.TryAdd(tool.Definition.Name, tool);
        Definitions = _byName.Values.Select(t => t.Definition).ToArray();
    }

    /// <summary>What the model is offered.</summary>
    public IReadOnlyList<ToolDefinition> Definitions { get; }

    public ICallTool? Find(string name) => _byName.GetValueOrDefault(name);

    public string? SpeakWhileRunning(string name) => Find(name)?.SpeakWhileRunning is { } line && !string.IsNullOrWhiteSpace(line) ? line : null;

    public async Task<ToolRoundResult> RunAsync(CallContext call, IReadOnlyList<ToolCallRequest> calls, CancellationToken bargeIn, CancellationToken ct)
    {
        var outcomes = await ToolRunner.RunAllAsync(call, this, calls, bargeIn, ct);
        return new ToolRoundResult(outcomes.Select(o => o.Message).ToArray(), outcomes.Any(o => o.Result.EndsCall));
    }

    /// <summary>
    /// Asks every source at once. A source that fails (an MCP server that is down) is logged and left out: the call
    /// goes on with the other tools rather than not at all.
    /// </summary>
    public static async Task<CallTools> CollectAsync(CallContext call, IEnumerable<IToolSource> sources, CancellationToken ct)
    {
        var asked = sources.Select(async source =>
        {
            try
            {
                return await source.ToolsForAsync(call, ct);
            }
            catch (Exception e) when (e is not OperationCanceledException || !ct.IsCancellationRequested)
            {
                LogSourceFailed(call.Log, e, source.GetType().Name, call.CallId);
                return CallToolSet.Empty;
            }
        }).ToArray();
        try
        {
            return new CallTools(await Task.WhenAll(asked));
        }
        catch (OperationCanceledException)
        {
            // The call ended while sources were asked: close what the others already opened for it.
            foreach (var set in asked.Where(t => t.IsCompletedSuccessfully)) await set.Result.DisposeAsync();
            throw;
        }
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var set in _sets) await set.DisposeAsync();
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Tool source {Source} failed in call {CallId}; the call goes on without its tools")]
    private static partial void LogSourceFailed(ILogger log, Exception e, string source, string callId);
}
