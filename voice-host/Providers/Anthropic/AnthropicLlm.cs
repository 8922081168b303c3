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
        var events = _client.Messages.CreateStreaming(Parameters(request), deadline.Token);
        await foreach (var e in VendorCall.GuardAsync(Name, events, deadline, Translate))
        {
            if (e.TryPickContentBlockDelta(out var delta))
            {
                if (delta.Delta.TryPickText(out var text) && !string.IsNullOrEmpty(text.Text)) yield return new LlmDelta(text.Text);
            }
            else if (e.TryPickContentBlockStart(out var start))
            {
                if (start.ContentBlock.TryPickToolUse(out var tool) && tool.Name == EndCallTool) endCall = true;
            }
            else if (e.TryPickStop(out _))
            {
                stopped = true;
            }
        }
        // A complete stream ends with message_stop; without it the reply was cut short.
        if (!stopped) throw new ProviderException(Name, "the stream ended before message_stop");
        if (endCall) yield return new LlmDelta("", EndCall: true);
    }

    private MessageCreateParams Parameters(LlmRequest request)
    {
        var system = new StringBuilder();
        var messages = new List<MessageParam>();
        foreach (var m in request.Messages)
        {
            if (m.Role == Message.System)
            {
                if (system.Length > 0) system.Append("\n\n");
                system.Append(m.Content);
                continue;
            }
            var assistant = m.Role == Message.Assistant;
            // The API wants user and assistant turns to alternate; merge neighbours of one role.
            if (messages.Count > 0 && messages[^1].TryPickAssistant(out _) == assistant && messages[^1].Content.TryPickString(out var previous))
            {
                var merged = previous + "\n" + m.Content;
                messages[^1] = assistant ? new AssistantMessageParam(merged) : new UserMessageParam(merged);
            }
            else
            {
                messages.Add(assistant ? new AssistantMessageParam(m.Content) : new UserMessageParam(m.Content));
            }
        }
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
        if (_options.EndCallTool)
        {
            parameters = parameters with
            {
                Tools =
                [
                    new Tool
                    {
                        Name = EndCallTool,
                        Description = "Hang up the phone call. Use it only once the conversation is over and you have said goodbye.",
                        InputSchema = new InputSchema { Properties = new Dictionary<string, JsonElement>() },
                    },
                ],
            };
        }
        return parameters;
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
