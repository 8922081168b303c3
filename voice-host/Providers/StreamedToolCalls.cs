using System.Text;
using VoiceAgents.VoiceHost.Pipeline;

namespace VoiceAgents.VoiceHost.Providers;

/// <summary>
/// Gathers tool calls that a vendor streams in pieces (OpenAI's <c>tool_calls</c> deltas, Anthropic's
/// <c>input_json_delta</c>s), keyed by the vendor's index: the first piece of a call brings its id and name, later
/// pieces add to its arguments. Parallel calls have their own indexes.
/// </summary>
public sealed class StreamedToolCalls
{
    private readonly SortedDictionary<long, Pending> _calls = [];

    public void Add(long index, string? id, string? name, string? argumentsPiece)
    {
        if (!_calls.TryGetValue(index, out var call)) _calls[index] = call = new Pending();
        if (!string.IsNullOrEmpty(id)) call.Id = id;
        if (!string.IsNullOrEmpty(name)) call.Name = name;
        if (!string.IsNullOrEmpty(argumentsPiece)) call.Arguments.Append(argumentsPiece);
    }

    /// <summary>The call at <paramref name="index"/>, now complete; null when there is none or it has no name.</summary>
    public ToolCallRequest? Take(long index) => _calls.Remove(index, out var call) ? call.ToRequest(index) : null;

    /// <summary>Every call not yet taken, in index order, once the stream is over.</summary>
    public IEnumerable<ToolCallRequest> Complete()
    {
        var calls = _calls.Select(c => c.Value.ToRequest(c.Key)).OfType<ToolCallRequest>().ToList();
        _calls.Clear();
        return calls;
    }

    private sealed class Pending
    {
        public string? Id;
        public string? Name;
        public readonly StringBuilder Arguments = new();

        // A call without a name cannot be run or answered, so it is dropped. A call of a function without
        // parameters streams no arguments at all; "{}" is what the vendors accept back. Some self-hosted servers
        // send no id; the result must still be matched to its call.
        public ToolCallRequest? ToRequest(long index) => string.IsNullOrEmpty(Name)
            ? null
            : new ToolCallRequest(Id ?? $"call_{index}", Name, Arguments.Length == 0 ? "{}" : Arguments.ToString());
    }
}
