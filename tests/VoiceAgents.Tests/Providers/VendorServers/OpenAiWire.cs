using System.Text.Json;
using Microsoft.AspNetCore.Http;

namespace VoiceAgents.Tests.Providers.VendorServers;

/// <summary>
/// OpenAI's chat-completions streaming format: <c>data: {chat.completion.chunk}</c> events, the last one with a
/// <c>finish_reason</c>, then <c>data: [DONE]</c>. llama.cpp, vLLM and Ollama send the same.
/// </summary>
public static class OpenAiWire
{
    public static string Chunk(string? content = null, string? role = null, string? finishReason = null, object? toolCalls = null)
    {
        var delta = new Dictionary<string, object?>();
        if (role is not null) delta["role"] = role;
        if (content is not null) delta["content"] = content;
        if (toolCalls is not null) delta["tool_calls"] = toolCalls;
        return JsonSerializer.Serialize(new Dictionary<string, object?>
        {
            ["id"] = "chatcmpl-7QyqpwdfhqwajicIEznoc6Q47XAyW",
            ["object"] = "chat.completion.chunk",
            ["created"] = 1694268190,
            ["model"] = "gpt-4o-mini-2024-07-18",
            ["system_fingerprint"] = "fp_44709d6fcb",
            ["choices"] = new[]
            {
                new Dictionary<string, object?> { ["index"] = 0, ["delta"] = delta, ["logprobs"] = null, ["finish_reason"] = finishReason },
            },
        });
    }

    public static string EndCallToolCall() => Chunk(toolCalls: new[]
    {
        new { index = 0, id = "call_abc123", type = "function", function = new { name = "end_call", arguments = "" } },
    });

    /// <summary>The first piece of a streamed tool call: its index, id and function name, with empty arguments.</summary>
    public static string ToolCallStart(int index, string id, string name, string? role = null) => Chunk(role: role, toolCalls: new[]
    {
        new { index, id, type = "function", function = new { name, arguments = "" } },
    });

    /// <summary>A later piece of a streamed tool call: more of its arguments' JSON text, keyed by index only.</summary>
    public static string ToolCallArguments(int index, string piece) => Chunk(toolCalls: new[]
    {
        new { index, function = new { arguments = piece } },
    });

    /// <summary>
    /// A reply made of tool calls as OpenAI streams them: each call's id and name first, then its arguments in the
    /// given pieces, then <c>finish_reason: "tool_calls"</c> and [DONE]. With <paramref name="interleave"/> the
    /// pieces of the calls alternate, as some OpenAI-compatible servers send parallel calls.
    /// </summary>
    public static async Task ToolCallsAsync(HttpContext context, IReadOnlyList<(string Id, string Name, string[] Pieces)> calls, bool interleave = false)
    {
        Wire.StartSse(context);
        if (interleave)
        {
            for (var i = 0; i < calls.Count; i++) await Wire.EventAsync(context, ToolCallStart(i, calls[i].Id, calls[i].Name, role: i == 0 ? "assistant" : null));
            for (var p = 0; p < calls.Max(c => c.Pieces.Length); p++)
            {
                for (var i = 0; i < calls.Count; i++)
                {
                    if (p < calls[i].Pieces.Length) await Wire.EventAsync(context, ToolCallArguments(i, calls[i].Pieces[p]));
                }
            }
        }
        else
        {
            for (var i = 0; i < calls.Count; i++)
            {
                await Wire.EventAsync(context, ToolCallStart(i, calls[i].Id, calls[i].Name, role: i == 0 ? "assistant" : null));
                foreach (var piece in calls[i].Pieces) await Wire.EventAsync(context, ToolCallArguments(i, piece));
            }
        }
        await Wire.EventAsync(context, Chunk(finishReason: "tool_calls"));
        await Wire.EventAsync(context, "[DONE]");
    }

    public static string Error(string message, string type = "server_error", string? code = null) =>
        JsonSerializer.Serialize(new { error = new { message, type, param = (string?)null, code } });

    /// <summary>
    /// The chunk sent last when the request asked for <c>stream_options: {"include_usage": true}</c>: no choices,
    /// and the whole request's token usage.
    /// </summary>
    public static string UsageChunk(int promptTokens, int completionTokens) => JsonSerializer.Serialize(new Dictionary<string, object?>
    {
        ["id"] = "chatcmpl-7QyqpwdfhqwajicIEznoc6Q47XAyW",
        ["object"] = "chat.completion.chunk",
        ["created"] = 1694268190,
        ["model"] = "gpt-4o-mini-2024-07-18",
        ["system_fingerprint"] = "fp_44709d6fcb",
        ["choices"] = Array.Empty<object>(),
        ["usage"] = new { prompt_tokens = promptTokens, completion_tokens = completionTokens, total_tokens = promptTokens + completionTokens },
    });

    /// <summary>A whole reply: the role chunk, one chunk per piece, the finish chunk, the usage chunk if given, and [DONE].</summary>
    public static async Task ReplyAsync(HttpContext context, IReadOnlyList<string> pieces, Task? afterFirst = null, (int Prompt, int Completion)? usage = null)
    {
        Wire.StartSse(context);
        await Wire.EventAsync(context, Chunk(content: "", role: "assistant"));
        for (var i = 0; i < pieces.Count; i++)
        {
            await Wire.EventAsync(context, Chunk(content: pieces[i]));
            if (i == 0 && afterFirst is not null) await afterFirst.WaitAsync(ProviderTestKit.Patience);
        }
        await Wire.EventAsync(context, Chunk(finishReason: "stop"));
        if (usage is { } u) await Wire.EventAsync(context, UsageChunk(u.Prompt, u.Completion));
        await Wire.EventAsync(context, "[DONE]");
    }
}
