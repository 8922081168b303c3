using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Json;
using Anthropic;
using Anthropic.Core;
using Anthropic.Exceptions;
using Anthropic.Models.Messages;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Message = VoiceAgents.VoiceHost.Pipeline.ChatMessage;

namespace VoiceAgents.VoiceHost.Providers.Anthropic;

/// <summary>
/// The <c>anthropic</c> LLM: Anthropic's Messages API, streamed, with the official Anthropic SDK. The agent's system
/// prompt goes in the top-level <c>system</c> field. Retries are off: a failure surfaces at once as a
/// <see cref="ProviderException"/> for the resilience layer to act on.
/// </summary>
public sealed partial class AnthropicLlm : ILlmProvider, IDescribedProvider, IDisposable
{
    public const string EndCallTool = "end_call";

    /// <summary>The user turn put before an agent's greeting, since a conversation must open with the user.</summary>
    public const string CallStarted = "(The call has connected.)";

    private readonly AnthropicOptions _options;
    private readonly AnthropicClient? _client;
    private readonly ILogger<AnthropicLlm> _log;

    public static ProviderDescriptor Descriptor { get; } = new ProviderDescriptor<AnthropicLlm, AnthropicOptions>
    {
        Info = new("anthropic", "Anthropic", Offline: false, [
            new("model", "string", "Messages model", ["claude-3-5-haiku-latest", "claude-sonnet-4-5", "claude-haiku-4-5"]),
            new("temperature", "number", "0 to 1")]),
        Order = 20,
        Section = AnthropicOptions.Section,
        Settings = ["ApiKey"],
        IsConfigured = o => o.IsConfigured,
    };

    public AnthropicLlm(IOptions<AnthropicOptions> options, IHttpClientFactory http, ILogger<AnthropicLlm> log)
    {
        _options = options.Value;
        _log = log;
        if (!_options.IsConfigured) return;
        _client = new AnthropicClient(new ClientOptions
        {
            ApiKey = _options.ApiKey,
            BaseUrl = (string.IsNullOrWhiteSpace(_options.BaseUrl) ? AnthropicOptions.DefaultBaseUrl : _options.BaseUrl).TrimEnd('/'),
            MaxRetries = 0,
            HttpClient = http.CreateClient(Descriptor.Key),
            // The stream deadline bounds each wait; this only caps a whole reply.
            Timeout = TimeSpan.FromMinutes(5),
        });
    }

    public string Name => Descriptor.Name;

    public async IAsyncEnumerable<LlmDelta> StreamAsync(LlmRequest request, [EnumeratorCancellation] CancellationToken ct)
    {
        if (_client is null) throw new ProviderException(Name, $"not configured: {AnthropicOptions.Section}:ApiKey is not set");
        using var deadline = new StreamDeadline(_options.Timeout, ct);
        var stopped = false;
        var endCall = false;
        var calls = new StreamedToolCalls();
        long inputTokens = 0, outputTokens = 0;
        var events = _client.Messages.CreateStreaming(Parameters(request), deadline.Token);
        await foreach (var e in VendorCall.GuardAsync(Name, events, deadline, Translate))
        {
            if (e.TryPickContentBlockDelta(out var delta))
            {
                if (delta.Delta.TryPickText(out var text) && !string.IsNullOrEmpty(text.Text)) yield return new LlmDelta(text.Text);
                else if (delta.Delta.TryPickInputJson(out var json)) calls.Add(delta.Index, null, null, json.PartialJson);
            }
            else if (e.TryPickContentBlockStart(out var start))
            {
                if (start.ContentBlock.TryPickToolUse(out var tool)) calls.Add(start.Index, tool.ID, tool.Name, null);
            }
            else if (e.TryPickContentBlockStop(out var stop))
            {
                // A tool_use block is whole at its content_block_stop, so its call can start before the message ends.
                if (calls.Take(stop.Index) is not { } call) continue;
                if (call.Name == EndCallTool) endCall = true;
                else yield return new LlmDelta("") { ToolCall = call };
            }
            else if (e.TryPickStart(out var started))
            {
                // Input tokens are known at message_start (cached ones are counted apart; they are input too).
                var u = started.Message.Usage;
                inputTokens = u.InputTokens + (u.CacheCreationInputTokens ?? 0) + (u.CacheReadInputTokens ?? 0);
                outputTokens = u.OutputTokens;
            }
            else if (e.TryPickDelta(out var messageDelta))
            {
                // message_delta's usage is cumulative: the reply's output tokens so far, and input tokens if restated.
                var u = messageDelta.Usage;
                outputTokens = u.OutputTokens;
                if (u.InputTokens is { } input) inputTokens = input + (u.CacheCreationInputTokens ?? 0) + (u.CacheReadInputTokens ?? 0);
            }
            else if (e.TryPickStop(out _))
            {
                stopped = true;
                request.ReportUsage?.Invoke(new LlmUsage(Name, inputTokens, outputTokens));
            }
        }
        // A complete stream ends with message_stop; without it the reply was cut short.
        if (!stopped) throw new ProviderException(Name, "the stream ended before message_stop");
        if (endCall) yield return new LlmDelta("", EndCall: true);
    }

    private MessageCreateParams Parameters(LlmRequest request)
    {
        var system = new StringBuilder();
        var turns = new List<Turn>();
        foreach (var m in request.Messages)
        {
            if (m.Role == Message.System)
            {
                if (system.Length > 0) system.Append("\n\n");
                system.Append(m.Content);
                continue;
            }
            // The API wants user and assistant turns to alternate, so neighbours of one role share a turn; tool
            // results go back as tool_result blocks of a user turn, the calls as tool_use blocks of the assistant's.
            var assistant = m.Role == Message.Assistant;
            if (turns.Count == 0 || turns[^1].Assistant != assistant) turns.Add(new Turn(assistant));
            var blocks = turns[^1].Blocks;
            if (m.Role == Message.Tool)
            {
                // Every tool_result must come before any text in its turn.
                blocks.Insert(blocks.FindLastIndex(b => b.TryPickToolResult(out _)) + 1, new ToolResultBlockParam(m.ToolCallId ?? "") { Content = m.Content, IsError = m.IsError ? true : null });
                continue;
            }
            if (!string.IsNullOrEmpty(m.Content)) blocks.Add(new TextBlockParam(m.Content));
            foreach (var call in m.ToolCalls ?? [])
            {
                blocks.Add(new ToolUseBlockParam { ID = call.Id, Name = call.Name, Input = ToolInput(call.ArgumentsJson) });
            }
        }
        var messages = turns.Where(t => t.Blocks.Count > 0).Select(t => t.ToParam()).ToList();
        if (system.Length == 0) system.Append(request.Agent.SystemPrompt);
        // The API rejects a conversation that opens with the assistant, as one does when the agent greets first.
        if (messages.Count > 0 && messages[0].TryPickAssistant(out _)) messages.Insert(0, new UserMessageParam(CallStarted));

        // Temperature is not modelled by this SDK version but is part of the documented request body.
        var raw = new Dictionary<string, JsonElement>();
        if (request.Llm.Temperature is { } t) raw["temperature"] = JsonSerializer.SerializeToElement(Math.Clamp(t, 0, 1));
        var empty = new Dictionary<string, JsonElement>();
        var parameters = MessageCreateParams.FromRawUnchecked(empty, empty, raw) with
        {
            Model = string.IsNullOrWhiteSpace(request.Llm.Model) ? _options.Model : request.Llm.Model,
            MaxTokens = _options.MaxTokens,
            Messages = messages,
        };
        if (system.Length > 0) parameters = parameters with { System = system.ToString() };
        var tools = new List<ToolUnion>();
        if (_options.EndCallTool)
        {
            tools.Add(new Tool
            {
                Name = EndCallTool,
                Description = "Hang up the phone call. Use it only once the conversation is over and you have said goodbye.",
                InputSchema = new InputSchema { Properties = new Dictionary<string, JsonElement>() },
            });
        }
        foreach (var tool in request.Tools)
        {
            tools.Add(new Tool { Name = tool.Name, Description = tool.Description, InputSchema = Schema(tool.Parameters) });
        }
        if (tools.Count > 0) parameters = parameters with { Tools = tools };
        return parameters;
    }

    /// <summary>The tool's JSON Schema as Anthropic's <c>input_schema</c>, whole (descriptions, required, enums).</summary>
    private static InputSchema Schema(JsonElement parameters)
    {
        var schema = parameters.ValueKind == JsonValueKind.Object
            ? parameters.EnumerateObject().ToDictionary(p => p.Name, p => p.Value.Clone())
            : [];
        // input_schema must be an object schema; a schema that leaves "type" out describes one all the same.
        schema.TryAdd("type", JsonSerializer.SerializeToElement("object"));
        return InputSchema.FromRawUnchecked(schema);
    }

    /// <summary>A tool call's arguments as the object a tool_use block holds; arguments that are not one become empty.</summary>
    private static Dictionary<string, JsonElement> ToolInput(string argumentsJson)
    {
        try
        {
            using var json = JsonDocument.Parse(argumentsJson);
            if (json.RootElement.ValueKind == JsonValueKind.Object)
            {
                return json.RootElement.EnumerateObject().ToDictionary(p => p.Name, p => p.Value.Clone());
            }
        }
        catch (JsonException)
        {
            // The model wrote broken JSON; the call was answered with an error, and the block still needs an object.
        }
        return [];
    }

    /// <summary>One user or assistant turn of the request being built: its content blocks in order.</summary>
    private sealed record Turn(bool Assistant)
    {
        public List<ContentBlockParam> Blocks { get; } = [];

        // A turn of text alone goes as a plain string, as the API's own examples send it.
        public MessageParam ToParam()
        {
            MessageContentParam content = Blocks.All(b => b.TryPickText(out _))
                ? string.Join("\n", Blocks.Select(b => b.TryPickText(out var t) ? t.Text : ""))
                : Blocks.ToList();
            return Assistant ? new AssistantMessageParam(content) : new UserMessageParam(content);
        }
    }

    private ProviderException? Translate(Exception e)
    {
        if (e is not AnthropicServiceException s) return null;
        var message = string.IsNullOrWhiteSpace(s.ApiMessage) ? s.Message : s.ApiMessage;
        var status = e is AnthropicApiException api ? $"HTTP {(int)api.StatusCode}: " : "";
        LogVendorError(_log, Name, message);
        return new ProviderException(Name, status + message, e);
    }

    public void Dispose() => _client?.Dispose();

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Provider} returned an error: {Error}")]
    private static partial void LogVendorError(ILogger logger, string provider, string error);
}
