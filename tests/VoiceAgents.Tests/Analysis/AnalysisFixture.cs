using System.Text.Json.Nodes;
using VoiceAgents.Tests.Infrastructure;
using VoiceAgents.Tests.Providers;
using VoiceAgents.Tests.Webhooks;

namespace VoiceAgents.Tests.Analysis;

/// <summary>
/// The API with quick queues and loopback webhooks (<see cref="WebhooksFixture"/>: host.json's maxDequeueCount is
/// 3), a queue-sink voice-host, and one loopback standing in for both OpenAI (<c>/v1/chat/completions</c>) and
/// Anthropic (<c>/v1/messages</c>) as the platform's keys. Each test sets <see cref="Llm"/>'s answer.
/// </summary>
public sealed class AnalysisFixture : IAsyncLifetime
{
    public const string OpenAiKey = "sk-analysis-platform-key";
    public const string AnthropicKey = "sk-ant-analysis-platform-key";

    private readonly string _spool = Path.Combine(Path.GetTempPath(), "voiceagents-test-spool", Guid.NewGuid().ToString("N"));

    public WebhooksFixture Webhooks { get; } = new();
    public ApiFixture Api => Webhooks.Api;
    public HttpLoopback Llm { get; private set; } = default!;
    public VoiceHostInstance Voice { get; private set; } = default!;

    public async Task InitializeAsync()
    {
        Llm = await HttpLoopback.StartAsync();
        var root = Llm.BaseUrl.ToString().TrimEnd('/');
        Api.Settings["Providers:OpenAI:ApiKey"] = OpenAiKey;
        Api.Settings["Providers:OpenAI:BaseUrl"] = root + "/v1";
        Api.Settings["Providers:Anthropic:ApiKey"] = AnthropicKey;
        Api.Settings["Providers:Anthropic:BaseUrl"] = root;
        await Webhooks.InitializeAsync();
        Voice = await VoiceHostInstance.StartAsync(PostCallFixture.VoiceSettings(Api, _spool));
    }

    public async Task DisposeAsync()
    {
        await Voice.DisposeAsync();
        await Webhooks.DisposeAsync();
        await Llm.DisposeAsync();
    }

    /// <summary>An OpenAI chat completion (not streamed) whose message content is <paramref name="content"/>.</summary>
    public static string ChatCompletion(string content) => new JsonObject
    {
        ["id"] = "chatcmpl-B9MHDbslfkBeAs8l4bebGdFOJ6PeG",
        ["object"] = "chat.completion",
        ["created"] = 1741570283,
        ["model"] = "gpt-4o-mini-2024-07-18",
        ["choices"] = new JsonArray(new JsonObject
        {
            ["index"] = 0,
            ["message"] = new JsonObject { ["role"] = "assistant", ["content"] = content, ["refusal"] = null },
            ["logprobs"] = null,
            ["finish_reason"] = "stop",
        }),
        ["usage"] = new JsonObject { ["prompt_tokens"] = 120, ["completion_tokens"] = 40, ["total_tokens"] = 160 },
    }.ToJsonString();

    /// <summary>An Anthropic Messages reply (not streamed) that calls the tool <paramref name="name"/> with <paramref name="input"/>.</summary>
    public static string ToolUseMessage(string name, JsonNode input) => new JsonObject
    {
        ["id"] = "msg_01Aq9w938a90dw8q",
        ["type"] = "message",
        ["role"] = "assistant",
        ["model"] = "claude-haiku-4-5",
        ["content"] = new JsonArray(new JsonObject
        {
            ["type"] = "tool_use",
            ["id"] = "toolu_01A09q90qw90lq917835lq9",
            ["name"] = name,
            ["input"] = input.DeepClone(),
        }),
        ["stop_reason"] = "tool_use",
        ["stop_sequence"] = null,
        ["usage"] = new JsonObject { ["input_tokens"] = 120, ["output_tokens"] = 40 },
    }.ToJsonString();
}

[CollectionDefinition(Name)]
public sealed class AnalysisCollection : ICollectionFixture<AnalysisFixture>
{
    public const string Name = "analysis";
}
