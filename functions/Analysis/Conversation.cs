using System.Text.Json;
using System.Text.Json.Nodes;

namespace VoiceAgents.Functions.Analysis;

/// <summary>
/// An analysis request's messages in a vendor's format, and the answer read back from its reply: OpenAI's
/// chat-completions (the answer is the message's JSON content) or Anthropic's Messages (the answer is the forced tool
/// call's <c>input</c>). <see cref="Correct"/> adds the answer and what was wrong with it, for the one retry.
/// </summary>
internal sealed class Conversation(string provider, string instructions, string transcript)
{
    private readonly JsonArray _messages = [new JsonObject { ["role"] = "user", ["content"] = "The call's transcript:\n\n" + transcript }];
    private string? _toolUseId;

    public JsonObject OpenAiBody(string model, AnalysisSchema schema)
    {
        var messages = new JsonArray(new JsonObject { ["role"] = "system", ["content"] = instructions });
        foreach (var m in _messages) messages.Add(m!.DeepClone());
        return new JsonObject
        {
            ["model"] = model,
            ["messages"] = messages,
            ["response_format"] = new JsonObject
            {
                ["type"] = "json_schema",
                ["json_schema"] = new JsonObject { ["name"] = "call_analysis", ["schema"] = schema.Json.DeepClone() },
            },
        };
    }

    public JsonObject AnthropicBody(string model, AnalysisSchema schema, int maxTokens) => new()
    {
        ["model"] = model,
        ["max_tokens"] = maxTokens,
        ["system"] = instructions,
        ["messages"] = _messages.DeepClone(),
        ["tools"] = new JsonArray(new JsonObject
        {
            ["name"] = LlmAnalyzer.ToolName,
            ["description"] = "Records the analysis of the call.",
            ["input_schema"] = schema.Json.DeepClone(),
        }),
        ["tool_choice"] = new JsonObject { ["type"] = "tool", ["name"] = LlmAnalyzer.ToolName },
    };

    /// <summary>The message's content as JSON; content that is not JSON comes back as a string, for the schema to refuse.</summary>
    public JsonNode? FromOpenAi(JsonNode? reply)
    {
        var content = reply?["choices"]?[0]?["message"]?["content"]?.GetValue<string>();
        if (content is null) return null;
        try
        {
            return JsonNode.Parse(content);
        }
        catch (JsonException)
        {
            return JsonValue.Create(content);
        }
    }

    /// <summary>The input of the reply's <c>tool_use</c> block; null when the model did not call the tool.</summary>
    public JsonNode? FromAnthropic(JsonNode? reply)
    {
        var block = (reply?["content"] as JsonArray)?.FirstOrDefault(b => b?["type"]?.GetValue<string>() == "tool_use");
        _toolUseId = block?["id"]?.GetValue<string>();
        return block?["input"]?.DeepClone();
    }

    public void Correct(JsonNode? answer, string problems)
    {
        var correction = $"That analysis does not match the schema:\n{problems}\nAnswer again, matching the schema exactly.";
        if (provider == "anthropic" && _toolUseId is { } id)
        {
            _messages.Add(new JsonObject
            {
                ["role"] = "assistant",
                ["content"] = new JsonArray(new JsonObject { ["type"] = "tool_use", ["id"] = id, ["name"] = LlmAnalyzer.ToolName, ["input"] = answer?.DeepClone() ?? new JsonObject() }),
            });
            _messages.Add(new JsonObject
            {
                ["role"] = "user",
                ["content"] = new JsonArray(new JsonObject { ["type"] = "tool_result", ["tool_use_id"] = id, ["is_error"] = true, ["content"] = correction }),
            });
            return;
        }
        _messages.Add(new JsonObject { ["role"] = "assistant", ["content"] = answer?.ToJsonString() ?? "(no answer)" });
        _messages.Add(new JsonObject { ["role"] = "user", ["content"] = correction });
    }
}
