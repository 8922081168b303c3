using VoiceAgents.VoiceHost.Pipeline.Frames;
using VoiceAgents.VoiceHost.Pipeline;
using VoiceAgents.VoiceHost.Providers;

namespace VoiceAgents.VoiceHost.Processors;

/// <summary>
/// Streams the LLM's reply as text frames, running the tools it calls. The call's tools are gathered
/// (<paramref name="gatherTools"/>, from every tool source) when the call starts and offered on every request;
/// when the model calls tools (several at once run concurrently) the calls and their results join the conversation
/// and the model is asked again, at most <see cref="MaxToolLoops"/> times a turn, after which no tools are offered. A tool that runs longer than
/// <c>Voice:ToolSpeakAfter</c> has its <c>speak_while_running</c> line said, once a turn, and the reply follows
/// the result at once. A barge-in cancels the request in flight and the reply; a tool already running finishes
/// under the call's lifetime and its result still joins the conversation, in its place, unless the tool cancels on
/// barge-in: then its request is aborted and the model is told the caller cancelled it. With a knowledge base in
/// <c>context</c> mode, each request of the turn carries the best passages for the caller's last words
/// (<see cref="ICallKnowledge.ContextAsync"/>), looked up once a turn and never kept in the conversation.
/// </summary>
public sealed class LlmProcessor(CallContext call, ILlmProvider llm, Func<CancellationToken, Task<IToolBox>>? gatherTools = null, ICallKnowledge? knowledge = null) : FrameProcessor(call.Log)
{
    /// <summary>The end reason when a tool handed the call on (a transfer).</summary>
    public const string TransferredReason = "transferred";

    /// <summary>Tool → LLM rounds in one turn.</summary>
    public const int MaxToolLoops = 5;

    private readonly CancellationTokenSource _callEnded = new();
    private readonly Lock _gate = new();
    private Task<IToolBox?>? _tools;

    protected override async ValueTask ProcessFrameAsync(Frame frame, FrameDirection direction, CancellationToken ct)
    {
        switch (frame)
        {
            case StartFrame:
                // Gathered while the first message plays, so the first request rarely waits for an MCP server.
                _ = Tools();
                break;
            case LlmRunFrame run:
                await ReplyAsync(run, ct);
                return;
        }
        await base.ProcessFrameAsync(frame, direction, ct);
    }

    protected override async ValueTask OnStoppedAsync()
    {
        await _callEnded.CancelAsync();
        if (_tools is not { } gathering) return;
        await ((Task)gathering).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        // The call's tool sessions (MCP) close with the call.
        if (gathering.IsCompletedSuccessfully && gathering.Result is { } tools) await tools.DisposeAsync();
    }

    private async Task ReplyAsync(LlmRunFrame run, CancellationToken ct)
    {
        Push(new LlmResponseStartFrame());
        call.Turns.LlmStarted();
        var tools = await Tools().WaitAsync(ct);
        var messages = run.Messages;
        var endCall = false;
        var handedOn = false;
        var first = true;
        var spokeWhileRunning = false;
        var passages = knowledge is null ? null : await knowledge.ContextAsync(run.Messages, ct);
        for (var loop = 0; ; loop++)
        {
            var offered = loop < MaxToolLoops && tools is not null ? tools.Definitions : [];
            var calls = new List<ToolCallRequest>();
            try
            {
                var request = new LlmRequest(call.Agent, WithContext(messages, passages))
                {
                    Tools = offered, TemplateModel = CallTemplateModel.For(call), ReportUsage = call.Usage.LlmTokens,
                    SearchKnowledge = knowledge is null ? null : (q, k, c) => knowledge.SearchAsync(q, k, null, c),
                };
                await foreach (var delta in llm.StreamAsync(request, ct))
                {
                    if (delta.EndCall) endCall = true;
                    // A call of a tool not offered (the loop is spent) is dropped: the model answers with what it has.
                    if (delta.ToolCall is { } toolCall && offered.Count > 0) calls.Add(toolCall);
                    if (delta.Text.Length == 0) continue;
                    if (first)
                    {
                        call.Turns.LlmFirstToken();
                        first = false;
                    }
                    await PushAsync(new LlmTextFrame(delta.Text), FrameDirection.Downstream, ct);
                }
            }
            catch (Exception e) when (e is ProviderUnavailableException or ProviderException)
            {
                Apology.Say(call, e, Push);
                return;
            }
            if (calls.Count == 0 || endCall || tools is null) break;

            var round = call.Conversation.BeginToolRound();
            var line = spokeWhileRunning ? null : calls.Select(c => tools.SpeakWhileRunning(c.Name)).FirstOrDefault(s => s is not null);
            // The wait starts before the tools do: a tool's request is out (and may be answered) as soon as the
            // round starts, and a wait started after it would count from later than the tool's start.
            var threshold = line is null ? null : Task.Delay(call.Options.ToolSpeakAfter, call.Time, ct);
            var running = RunRoundAsync(round, tools, calls, ct);
            if (threshold is not null && await Task.WhenAny(running, threshold) == threshold)
            {
                ct.ThrowIfCancellationRequested();
                spokeWhileRunning = true;
                // Newlines end the sentence before it and the line itself, so it is spoken now, not after the result.
                await PushAsync(new LlmTextFrame("\n" + line!.Trim() + "\n\n"), FrameDirection.Downstream, ct);
            }
            handedOn |= (await running.WaitAsync(ct)).EndsCall;
            messages = call.Conversation.Snapshot();
        }
        Push(new LlmResponseEndFrame());
        if (endCall) Push(new EndFrame("agent_hang_up"));
        else if (handedOn) Push(new EndFrame(TransferredReason));
    }

    /// <summary><paramref name="messages"/> with the turn's knowledge <paramref name="context"/> after the agent's own system prompt, for one request only.</summary>
    private static IReadOnlyList<ChatMessage> WithContext(IReadOnlyList<ChatMessage> messages, ChatMessage? context)
    {
        if (context is null) return messages;
        var at = 0;
        while (at < messages.Count && messages[at].Role == ChatMessage.System) at++;
        return [.. messages.Take(at), context, .. messages.Skip(at)];
    }

    /// <summary>The call's tools, gathered once: the start frame (system lane) and a first request (data lane) may come in either order.</summary>
    private Task<IToolBox?> Tools()
    {
        lock (_gate)
        {
            return _tools ??= gatherTools is null ? Task.FromResult<IToolBox?>(null) : Gather(gatherTools);
        }

        async Task<IToolBox?> Gather(Func<CancellationToken, Task<IToolBox>> gather) => await gather(_callEnded.Token);
    }

    /// <summary>
    /// Runs a round's calls under the call's lifetime (the reply's <paramref name="bargeIn"/> cancels only the tools that
    /// ask for it), then puts them and their results in the round's place.
    /// </summary>
    private async Task<ToolRoundResult> RunRoundAsync(ToolRound round, IToolBox tools, IReadOnlyList<ToolCallRequest> calls, CancellationToken bargeIn)
    {
        var result = await tools.RunAsync(call, calls, bargeIn, _callEnded.Token);
        call.Conversation.CompleteToolRound(round, calls, result.Messages);
        return result;
    }
}
