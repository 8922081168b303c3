using System.Text.Json;
using Microsoft.Extensions.Logging;
using VoiceAgents.Core.Domain;
using VoiceAgents.VoiceHost.Pipeline;
using VoiceAgents.VoiceHost.Processors;

namespace VoiceAgents.VoiceHost.Tools;

/// <summary>
/// Runs the model's tool calls: each becomes a tool message for the model and a <c>tool</c> transcript turn (name,
/// arguments, result or error, duration), whatever happened: an unknown tool or a tool that throws is an error
/// the model can speak about, never a broken call.
/// </summary>
public static partial class ToolRunner
{
    /// <summary>What the model hears of a call a barge-in cancelled (every call needs its tool message).</summary>
    public const string CancelledByCaller = "The caller interrupted, so this tool call was cancelled before it answered; it may not have been carried out.";

    /// <summary>Runs <paramref name="calls"/> concurrently; the results come back in the calls' order.</summary>
    public static Task<ToolOutcome[]> RunAllAsync(CallContext call, CallTools tools, IReadOnlyList<ToolCallRequest> calls, CancellationToken bargeIn, CancellationToken ct) =>
        Task.WhenAll(calls.Select(c => RunAsync(call, tools, c, bargeIn, ct)));

    /// <summary>
    /// Runs one call under <paramref name="ct"/> (the call's lifetime); a tool that cancels on barge-in runs under
    /// <paramref name="bargeIn"/> too, and a barge-in makes its result <see cref="CancelledByCaller"/>.
    /// </summary>
    public static async Task<ToolOutcome> RunAsync(CallContext call, CallTools tools, ToolCallRequest request, CancellationToken bargeIn, CancellationToken ct)
    {
        var startedAt = call.Time.GetUtcNow();
        var started = call.Time.GetTimestamp();
        ToolResult result;
        if (tools.Find(request.Name) is not { } tool)
        {
            result = ToolResult.Failed($"There is no tool named {request.Name}.");
        }
        else
        {
            using var cancellable = tool.CancelOnBargeIn ? CancellationTokenSource.CreateLinkedTokenSource(ct, bargeIn) : null;
            try
            {
                result = await tool.InvokeAsync(new ToolInvocation(call, request.Id, request.ArgumentsJson), cancellable?.Token ?? ct);
            }
            catch (OperationCanceledException) when (cancellable is not null && bargeIn.IsCancellationRequested && !ct.IsCancellationRequested)
            {
                result = ToolResult.Failed(CancelledByCaller);
            }
            catch (Exception e) when (e is not OperationCanceledException || !ct.IsCancellationRequested)
            {
                LogToolThrew(call.Log, e, request.Name, call.CallId);
                result = ToolResult.Failed($"The tool {request.Name} failed.");
            }
        }
        var durationMs = call.Time.GetElapsedTime(started).TotalMilliseconds;
        if (!result.Ok) LogToolFailed(call.Log, request.Name, call.CallId, result.Error!);
        var json = result.ToJson();
        call.AddTranscript(ChatMessage.Tool, request.Name, startedAt, tool: new ToolCallRecord
        {
            Name = request.Name,
            Arguments = ValidJson(request.ArgumentsJson),
            Result = result.Ok ? json : null,
            Error = result.Error,
            DurationMs = Math.Round(durationMs, 1),
            Ok = result.Ok,
        });
        return new ToolOutcome(new ChatMessage(ChatMessage.Tool, json) { ToolCallId = request.Id, ToolName = request.Name, IsError = !result.Ok }, result);
    }

    /// <summary>The model's arguments as recorded: its JSON text, or the text as a JSON string when it is not JSON.</summary>
    private static string ValidJson(string text)
    {
        if (string.IsNullOrWhiteSpace(text)) return "{}";
        try
        {
            using var _ = JsonDocument.Parse(text);
            return text;
        }
        catch (JsonException)
        {
            return JsonSerializer.Serialize(text);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Tool {Tool} threw in call {CallId}")]
    private static partial void LogToolThrew(ILogger log, Exception e, string tool, string callId);

    [LoggerMessage(Level = LogLevel.Information, Message = "Tool {Tool} failed in call {CallId}: {Error}")]
    private static partial void LogToolFailed(ILogger log, string tool, string callId, string error);
}
