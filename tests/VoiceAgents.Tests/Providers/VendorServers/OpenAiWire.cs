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

    public static string Error(string message, string type = "server_error", string? code = null) =>
        JsonSerializer.Serialize(new { error = new { message, type, param = (string?)null, code } });

    /// <summary>A whole reply: the role chunk, one chunk per piece, the finish chunk and [DONE].</summary>
    public static async Task ReplyAsync(HttpContext context, IReadOnlyList<string> pieces, Task? afterFirst = null)
    {
        Wire.StartSse(context);
        await Wire.EventAsync(context, Chunk(content: "", role: "assistant"));
        for (var i = 0; i < pieces.Count; i++)
        {
            await Wire.EventAsync(context, Chunk(content: pieces[i]));
            if (i == 0 && afterFirst is not null) await afterFirst.WaitAsync(ProviderTestKit.Patience);
        }
        await Wire.EventAsync(context, Chunk(finishReason: "stop"));
        await Wire.EventAsync(context, "[DONE]");
    }
}
