using System.Collections;

namespace VoiceAgents.VoiceHost.Tools;

/// <summary>
/// The tools one <see cref="IToolSource"/> made for a call, and what they hold open for it (an MCP server's session),
/// which is closed when the set is disposed at the call's end.
/// </summary>
public sealed class CallToolSet(IReadOnlyList<ICallTool> tools, IAsyncDisposable? held = null) : IReadOnlyList<ICallTool>, IAsyncDisposable
{
    public static readonly CallToolSet Empty = new([]);

    public ICallTool this[int index] => tools[index];
    public int Count => tools.Count;
    public IEnumerator<ICallTool> GetEnumerator() => tools.GetEnumerator();
    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    public ValueTask DisposeAsync() => held?.DisposeAsync() ?? ValueTask.CompletedTask;
}
