using System.ClientModel;
using System.ClientModel.Primitives;
using System.Runtime.CompilerServices;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using OpenAI;
using OpenAI.Chat;
using Message = VoiceAgents.VoiceHost.Pipeline.ChatMessage;
using SdkMessage = OpenAI.Chat.ChatMessage;
using ToolCallRequest = VoiceAgents.VoiceHost.Pipeline.ToolCallRequest;

namespace VoiceAgents.VoiceHost.Providers.OpenAI;

/// <summary>
/// Streams a reply from an OpenAI-style <c>/chat/completions</c> endpoint with the official OpenAI SDK. Retries are
/// off: a failure surfaces at once as a <see cref="ProviderException"/> for the resilience layer to act on.
/// </summary>
public abstract partial class ChatCompletionsLlm : ILlmProvider
{
    public const string EndCallFunction = "end_call";

    private static readonly ChatTool EndCall = ChatTool.CreateFunctionTool(
        EndCallFunction,
        "Hang up the phone call. Call it only once the conversation is over and you have said goodbye.",
        BinaryData.FromString("""{"type":"object","properties":{}}"""));

    private readonly ChatCompletionsOptions _options;
    private readonly OpenAIClient? _client;
    private readonly string? _misconfigured;
    private readonly ILogger _log;

    protected ChatCompletionsLlm(ProviderDescriptor descriptor, ChatCompletionsOptions options, string defaultBaseUrl, bool keyRequired, IHttpClientFactory http, ILogger log)
    {
        Name = descriptor.Name;
        var section = descriptor.Section;
        _options = options;
        _log = log;
        var baseUrl = string.IsNullOrWhiteSpace(options.BaseUrl) ? defaultBaseUrl : options.BaseUrl;
        if (string.IsNullOrWhiteSpace(baseUrl) || !Uri.TryCreate(baseUrl, UriKind.Absolute, out var endpoint))
        {
            _misconfigured = $"{section}:BaseUrl is not set to an absolute URL";
            return;
        }
        if (keyRequired && string.IsNullOrWhiteSpace(options.ApiKey))
        {
            _misconfigured = $"{section}:ApiKey is not set";
            return;
        }
        var clientOptions = new OpenAIClientOptions
        {
            Endpoint = endpoint,
            RetryPolicy = new ClientRetryPolicy(maxRetries: 0),
            Transport = new HttpClientPipelineTransport(http.CreateClient(descriptor.Key)),
            // The stream deadline below bounds each wait; the SDK's own per-read timeout only backs it up.
            NetworkTimeout = options.Timeout + TimeSpan.FromSeconds(5),
        };
        // The SDK insists on a key; self-hosted servers started without one ignore the header.
        _client = new OpenAIClient(new ApiKeyCredential(string.IsNullOrWhiteSpace(options.ApiKey) ? "no-key" : options.ApiKey), clientOptions);
    }

    public string Name { get; }

    public async IAsyncEnumerable<LlmDelta> StreamAsync(LlmRequest request, [EnumeratorCancellation] CancellationToken ct)
    {
        if (_client is null) throw new ProviderException(Name, $"not configured: {_misconfigured}");
        var model = string.IsNullOrWhiteSpace(request.Llm.Model) ? _options.Model : request.Llm.Model;
        if (string.IsNullOrWhiteSpace(model)) throw new ProviderException(Name, "no model: set the agent's llm.model or the provider's Model");
        var chat = _client.GetChatClient(model);
        var options = new ChatCompletionOptions();
        if (request.Llm.Temperature is { } t) options.Temperature = (float)t;
        if (_options.MaxTokens is { } max) options.MaxOutputTokenCount = max;
        if (_options.EndCallTool) options.Tools.Add(EndCall);
        foreach (var tool in request.Tools)
        {
            options.Tools.Add(ChatTool.CreateFunctionTool(tool.Name, tool.Description, BinaryData.FromString(tool.Parameters.GetRawText())));
        }

        using var deadline = new StreamDeadline(_options.Timeout, ct);
        var finished = false;
        var calls = new StreamedToolCalls();
        var updates = chat.CompleteChatStreamingAsync(Messages(request), options, deadline.Token);
        await foreach (var update in VendorCall.GuardAsync(Name, updates, deadline, Translate))
        {
            // The SDK asks for stream_options.include_usage, so the last chunk (with no choices) carries the usage.
            if (update.Usage is { } usage) request.ReportUsage?.Invoke(new LlmUsage(Name, usage.InputTokenCount, usage.OutputTokenCount));
            foreach (var part in update.ContentUpdate)
            {
                if (!string.IsNullOrEmpty(part.Text)) yield return new LlmDelta(part.Text);
            }
            foreach (var call in update.ToolCallUpdates)
            {
                calls.Add(call.Index, call.ToolCallId, call.FunctionName, call.FunctionArgumentsUpdate?.ToString());
            }
            if (update.FinishReason is not null) finished = true;
            else if (update.ContentUpdate.Count == 0 && update.ToolCallUpdates.Count == 0 && InStreamError(update) is { } error)
            {
                LogVendorError(_log, Name, error);
                throw new ProviderException(Name, error);
            }
        }
        // Every complete reply ends with a finish_reason; a stream closed without one was cut short.
        if (!finished) throw new ProviderException(Name, "the stream ended before the reply was finished");
        // A call's arguments are whole only once the stream is: the pieces of parallel calls may come in any order.
        var endCall = false;
        foreach (var call in calls.Complete())
        {
            if (call.Name == EndCallFunction) endCall = true;
            else yield return new LlmDelta("") { ToolCall = call };
        }
        if (endCall) yield return new LlmDelta("", EndCall: true);
    }

    private IEnumerable<SdkMessage> Messages(LlmRequest request)
    {
        var messages = new List<SdkMessage>(request.Messages.Count + 1);
        if (!request.Messages.Any(m => m.Role == Message.System) && !string.IsNullOrWhiteSpace(request.Agent.SystemPrompt))
        {
            messages.Add(SdkMessage.CreateSystemMessage(request.Agent.SystemPrompt));
        }
        foreach (var m in request.Messages)
        {
            messages.Add(m.Role switch
            {
                Message.System => SdkMessage.CreateSystemMessage(m.Content),
                Message.Assistant when m.ToolCalls is { Count: > 0 } calls => AssistantWithToolCalls(m.Content, calls),
                Message.Assistant => SdkMessage.CreateAssistantMessage(m.Content),
                Message.Tool => SdkMessage.CreateToolMessage(m.ToolCallId ?? "", m.Content),
                _ => SdkMessage.CreateUserMessage(m.Content),
            });
        }
        return messages;
    }

    private static AssistantChatMessage AssistantWithToolCalls(string content, IReadOnlyList<ToolCallRequest> calls)
    {
        var message = new AssistantChatMessage(calls.Select(c =>
            ChatToolCall.CreateFunctionToolCall(c.Id, c.Name, BinaryData.FromString(string.IsNullOrWhiteSpace(c.ArgumentsJson) ? "{}" : c.ArgumentsJson))));
        // What the agent said before calling belongs to the same turn, so the model sees it was already spoken.
        if (!string.IsNullOrEmpty(content)) message.Content.Add(ChatMessageContentPart.CreateTextPart(content));
        return message;
    }

    /// <summary>An error the server put in the stream: <c>data: {"error":{"message":...}}</c> (OpenAI, vLLM, llama.cpp).</summary>
    private static string? InStreamError(StreamingChatCompletionUpdate update)
    {
        // The SDK keeps fields it does not model, so the update written back out still has the "error".
        using var json = JsonDocument.Parse(ModelReaderWriter.Write(update));
        return json.RootElement.TryGetProperty("error", out var error) ? VendorCall.ErrorMessage(error.GetRawText()) : null;
    }

    private ProviderException? Translate(Exception e)
    {
        if (e is not ClientResultException r) return null;
        var body = "";
        try
        {
            body = r.GetRawResponse()?.Content?.ToString() ?? "";
        }
        catch (Exception read) when (read is InvalidOperationException or IOException)
        {
            // An unbuffered body cannot be read again; the status alone still says what failed.
        }
        var message = body.Length > 0 ? VendorCall.ErrorMessage(body) : r.Message;
        LogVendorError(_log, Name, message);
        return new ProviderException(Name, r.Status > 0 ? $"HTTP {r.Status}: {message}" : message, e);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Provider} returned an error: {Error}")]
    private static partial void LogVendorError(ILogger logger, string provider, string error);

}
