using System.Diagnostics;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using VoiceAgents.Core.Domain;
using VoiceAgents.VoiceHost.Pipeline;
using VoiceAgents.VoiceHost.Providers;

namespace VoiceAgents.Tests.Providers.VendorServers;

public static class ProviderTestKit
{
    /// <summary>Upper bound for anything a test waits on, so a broken provider fails the test instead of hanging it.</summary>
    public static readonly TimeSpan Patience = TimeSpan.FromSeconds(10);

    private static readonly Lazy<ServiceProvider> VendorClients = new(() => new ServiceCollection().AddLogging().AddProviders().BuildServiceProvider());

    /// <summary>The vendors' HTTP clients as voice-host registers them (<see cref="ProviderSetup.AddProviders"/>).</summary>
    public static IHttpClientFactory Http => VendorClients.Value.GetRequiredService<IHttpClientFactory>();

    /// <summary>The handlers of those clients, which the WebSocket vendors connect through.</summary>
    public static IHttpMessageHandlerFactory Handlers => VendorClients.Value.GetRequiredService<IHttpMessageHandlerFactory>();

    public static Agent Agent(string llm = "openai", string? model = null, double? temperature = null, string systemPrompt = "You are a helpful receptionist.") => new()
    {
        Id = "agent-1",
        TenantId = "tenant-1",
        UserId = "user-1",
        Name = "Receptionist",
        SystemPrompt = systemPrompt,
        Language = "en-US",
        Llm = new LlmConfig { Provider = llm, Model = model, Temperature = temperature },
    };

    /// <summary>The conversation as the pipeline builds it: the system prompt first, then the turns.</summary>
    public static LlmRequest Request(Agent agent, params ChatMessage[] turns)
    {
        var messages = new List<ChatMessage>();
        if (!string.IsNullOrWhiteSpace(agent.SystemPrompt)) messages.Add(new ChatMessage(ChatMessage.System, agent.SystemPrompt));
        messages.AddRange(turns.Length > 0 ? turns : [new ChatMessage(ChatMessage.User, "What are your opening hours?")]);
        return new LlmRequest(agent, messages);
    }

    /// <summary>A tool as the pipeline offers it: a table booking with a JSON Schema for its arguments.</summary>
    public static ToolDefinition BookTable { get; } = new("book_table", "Book a table for a party at a time.", JsonDocument.Parse(
        """{"type":"object","properties":{"party":{"type":"integer","description":"How many people"},"time":{"type":"string"}},"required":["party","time"]}""").RootElement);

    /// <summary>A tool without parameters, as an MCP server may list one.</summary>
    public static ToolDefinition OpeningHours { get; } = new("opening_hours", "Today's opening hours.", JsonDocument.Parse("""{"type":"object","properties":{}}""").RootElement);

    /// <summary>
    /// A conversation in which the agent already called a tool: the user's question, the assistant's turn with its
    /// words and two parallel calls, and each call's result.
    /// </summary>
    public static ChatMessage[] AfterToolCalls { get; } =
    [
        new(ChatMessage.User, "A table for four at eight, and are you open today?"),
        new(ChatMessage.Assistant, "Let me check.")
        {
            ToolCalls = [new("call_book", "book_table", """{"party":4,"time":"20:00"}"""), new("call_hours", "opening_hours", "{}")],
        },
        new(ChatMessage.Tool, """{"reference":"B-42"}""") { ToolCallId = "call_book", ToolName = "book_table" },
        new(ChatMessage.Tool, """{"error":"the hours service timed out"}""") { ToolCallId = "call_hours", ToolName = "opening_hours", IsError = true },
    ];

    public static async Task<List<T>> CollectAsync<T>(IAsyncEnumerable<T> source, CancellationToken ct = default)
    {
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(ct);
        cts.CancelAfter(Patience);
        var items = new List<T>();
        await foreach (var item in source.WithCancellation(cts.Token)) items.Add(item);
        return items;
    }

    /// <summary>
    /// Enumerates a stream, cancels its token as soon as the first item arrives, and returns how long the stream
    /// took from the cancel to throwing <see cref="OperationCanceledException"/>.
    /// </summary>
    public static async Task<TimeSpan> CancelAfterFirstItemAsync<T>(Func<CancellationToken, IAsyncEnumerable<T>> stream)
    {
        using var cts = new CancellationTokenSource();
        var watch = new Stopwatch();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => Enumerate().WaitAsync(Patience));
        return watch.Elapsed;

        async Task Enumerate()
        {
            await foreach (var _ in stream(cts.Token))
            {
                if (watch.IsRunning) continue;
                watch.Start();
                cts.Cancel();
            }
        }
    }

    /// <summary>
    /// Starts a call, cancels its token once <paramref name="arrived"/> says the server has the request, and returns
    /// how long the call took from the cancel to throwing <see cref="OperationCanceledException"/>.
    /// </summary>
    public static async Task<TimeSpan> CancelOnceArrivedAsync(Func<CancellationToken, Task> call, Task arrived)
    {
        using var cts = new CancellationTokenSource();
        var task = call(cts.Token);
        await arrived.WaitAsync(Patience);
        var watch = Stopwatch.StartNew();
        cts.Cancel();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => task.WaitAsync(Patience));
        return watch.Elapsed;
    }

    /// <summary>Runs <paramref name="action"/> and returns the exception it throws and how long that took.</summary>
    public static async Task<(T Exception, TimeSpan Elapsed)> ThrowsWithinAsync<T>(Func<Task> action, TimeSpan within) where T : Exception
    {
        var watch = Stopwatch.StartNew();
        var task = action();
        var finished = await Task.WhenAny(task, Task.Delay(Patience));
        Assert.True(finished == task, $"still running after {Patience}: the provider hangs");
        var e = await Assert.ThrowsAnyAsync<T>(() => task);
        watch.Stop();
        Assert.True(watch.Elapsed < within, $"took {watch.Elapsed}, expected under {within}");
        return (e, watch.Elapsed);
    }
}
