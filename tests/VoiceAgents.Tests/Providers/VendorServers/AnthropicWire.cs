using System.Text.Json;
using Microsoft.AspNetCore.Http;

namespace VoiceAgents.Tests.Providers.VendorServers;

/// <summary>
/// Anthropic's Messages streaming format: named SSE events message_start, content_block_start,
/// content_block_delta (text_delta), content_block_stop, message_delta, message_stop, with ping and error events.
/// </summary>
public static class AnthropicWire
{
    public static Task MessageStartAsync(HttpContext c) => Wire.EventAsync(c,
        """{"type":"message_start","message":{"id":"msg_1nZdL29xx5MUA1yADyHTEsnR8uuvGzszyY","type":"message","role":"assistant","content":[],"model":"claude-haiku-4-5","stop_reason":null,"stop_sequence":null,"usage":{"input_tokens":25,"output_tokens":1}}}""",
        "message_start");

    public static Task TextBlockStartAsync(HttpContext c, int index = 0) => Wire.EventAsync(c,
        $$$"""{"type":"content_block_start","index":{{{index}}},"content_block":{"type":"text","text":""}}""", "content_block_start");

    public static Task PingAsync(HttpContext c) => Wire.EventAsync(c, """{"type":"ping"}""", "ping");

    public static Task TextDeltaAsync(HttpContext c, string text, int index = 0) => Wire.EventAsync(c,
        JsonSerializer.Serialize(new { type = "content_block_delta", index, delta = new { type = "text_delta", text } }), "content_block_delta");

    public static Task BlockStopAsync(HttpContext c, int index = 0) => Wire.EventAsync(c,
        $$$"""{"type":"content_block_stop","index":{{{index}}}}""", "content_block_stop");

    public static Task ToolUseAsync(HttpContext c, string name, int index, string id = "toolu_01T1x1fJ34qAmk2tNTrN7Up6") => Wire.EventAsync(c,
        JsonSerializer.Serialize(new { type = "content_block_start", index, content_block = new { type = "tool_use", id, name, input = new { } } }),
        "content_block_start");

    /// <summary>A piece of a tool_use block's input: partial JSON text that only parses once all pieces are joined.</summary>
    public static Task InputJsonDeltaAsync(HttpContext c, string partialJson, int index) => Wire.EventAsync(c,
        JsonSerializer.Serialize(new { type = "content_block_delta", index, delta = new { type = "input_json_delta", partial_json = partialJson } }),
        "content_block_delta");

    /// <summary>
    /// A whole tool_use block as the API streams it: content_block_start with an empty input, an empty
    /// input_json_delta first (as the API sends), one delta per piece, content_block_stop.
    /// </summary>
    public static async Task ToolUseBlockAsync(HttpContext c, int index, string id, string name, params string[] pieces)
    {
        await ToolUseAsync(c, name, index, id);
        await InputJsonDeltaAsync(c, "", index);
        foreach (var piece in pieces) await InputJsonDeltaAsync(c, piece, index);
        await BlockStopAsync(c, index);
    }


    public static async Task MessageDeltaAndStopAsync(HttpContext c, string stopReason = "end_turn")
    {
        await Wire.EventAsync(c, $$$"""{"type":"message_delta","delta":{"stop_reason":"{{{stopReason}}}","stop_sequence":null},"usage":{"output_tokens":15}}""", "message_delta");
        await Wire.EventAsync(c, """{"type":"message_stop"}""", "message_stop");
    }

    public static string Error(string type, string message) =>
        JsonSerializer.Serialize(new { type = "error", error = new { type, message }, request_id = "req_011CSHoEeqs5C35K2UUqR7Fy" });

    /// <summary>A whole text reply, one delta per piece, holding after the first until <paramref name="afterFirst"/>.</summary>
    public static async Task ReplyAsync(HttpContext c, IReadOnlyList<string> pieces, Task? afterFirst = null)
    {
        Wire.StartSse(c);
        await MessageStartAsync(c);
        await TextBlockStartAsync(c);
        await PingAsync(c);
        for (var i = 0; i < pieces.Count; i++)
        {
            await TextDeltaAsync(c, pieces[i]);
            if (i == 0 && afterFirst is not null) await afterFirst.WaitAsync(ProviderTestKit.Patience);
        }
        await BlockStopAsync(c);
        await MessageDeltaAndStopAsync(c);
    }
}
