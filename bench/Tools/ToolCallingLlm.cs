using System.Runtime.CompilerServices;
using VoiceAgents.VoiceHost.Pipeline;
using VoiceAgents.VoiceHost.Providers;

namespace VoiceAgents.Bench.Tools;

/// <summary>
/// One call's model, with no latency of its own: asked after a caller's words it calls the <c>lookup</c> tool (its
/// complete call stamped as it is handed over, the last thing in its stream); asked with the tool's result it
/// stamps that moment and answers with text.
/// </summary>
public sealed class ToolCallingLlm(ToolCallLog log, int call) : ILlmProvider
{
    public const string ToolName = "lookup";
    private int _turn;

    public string Name => "bench";

    public async IAsyncEnumerable<LlmDelta> StreamAsync(LlmRequest request, [EnumeratorCancellation] CancellationToken ct)
    {
        if (request.Messages[^1] is { Role: ChatMessage.Tool } result)
        {
            log.Stamp(result.ToolCallId, (t, now) => t.AskedAgain = now);
            yield return new LlmDelta("Your order has shipped.");
            yield break;
        }
        await Task.CompletedTask;
        var turn = _turn++;
        var id = $"call_{call}_{turn}";
        var delta = new LlmDelta("") { ToolCall = new ToolCallRequest(id, ToolName, $$"""{"order":"A{{call}}-{{turn}}"}""") };
        log.Open(id, call, turn);
        yield return delta;
    }
}
