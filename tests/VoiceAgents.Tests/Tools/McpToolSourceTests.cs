using System.Collections.Concurrent;
using System.ComponentModel;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Caching.Memory;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using ModelContextProtocol.Protocol;
using ModelContextProtocol.Server;
using VoiceAgents.Core.Domain;
using VoiceAgents.Core.Net;
using VoiceAgents.Tests.Processors;
using VoiceAgents.Tests.Providers.VendorServers;
using VoiceAgents.VoiceHost.Tools;
using VoiceAgents.VoiceHost.Tools.Mcp;

namespace VoiceAgents.Tests.Tools;

/// <summary>Agents' MCP tools against an MCP server built with the official ASP.NET Core SDK on 127.0.0.1.</summary>
public sealed class McpToolSourceTests : IAsyncLifetime
{
    private WebApplication _server = default!;
    private Uri _url = default!;
    private readonly ConcurrentQueue<string> _methods = new();
    private readonly ConcurrentQueue<string?> _authorizations = new();

    public async Task InitializeAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        builder.Services.AddMcpServer().WithHttpTransport().WithTools(
        [
            McpServerTool.Create([Description("Book a table for a party at a time.")] (int party, string time) =>
                JsonSerializer.Serialize(new { reference = $"B-{party}{time.Replace(":", "")}", party, time }), new() { Name = "book_table" }),
            McpServerTool.Create(() => new CallToolResult { IsError = true, Content = [new TextContentBlock { Text = "no table is free tonight" }] },
                new() { Name = "waitlist", Description = "Put the caller on the wait list." }),
            McpServerTool.Create(() => "We open at nine.", new() { Name = "hours.today", Description = "Today's opening hours." }),
        ]);
        _server = builder.Build();
        _server.Use(async (context, next) =>
        {
            // Records each JSON-RPC method the client sends, and the header the agent's tool configures.
            context.Request.EnableBuffering();
            var body = await new StreamReader(context.Request.Body).ReadToEndAsync();
            context.Request.Body.Position = 0;
            if (body.Length > 0)
            {
                using var json = JsonDocument.Parse(body);
                if (json.RootElement.TryGetProperty("method", out var method)) _methods.Enqueue(method.GetString()!);
            }
            _authorizations.Enqueue(context.Request.Headers.Authorization.ToString());
            await next();
        });
        _server.MapMcp("/mcp");
        await _server.StartAsync();
        var address = _server.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        _url = new Uri(new Uri(address), "/mcp");
    }

    public async Task DisposeAsync() => await _server.DisposeAsync();

    private static McpToolSource Source(bool allowPrivateTargets = true) => new(
        Options.Create(new McpToolOptions()), new SsrfGuard(allowPrivateTargets), new MemoryCache(new MemoryCacheOptions()), NullLoggerFactory.Instance);

    private Agent Agent(string id = "agent-1", string? url = null) => new()
    {
        Id = id,
        TenantId = "t",
        UserId = "u",
        Name = "Bistro",
        SystemPrompt = "",
        Tools =
        [
            // The longest timeout: a class's first handshake pays the SDK's start-up, which takes seconds on a loaded test host.
            new AgentTool { Type = AgentToolTypes.Mcp, Name = "bistro", Url = url ?? _url.ToString(), Headers = new() { ["Authorization"] = "Bearer mcp-key-1" }, SpeakWhileRunning = "One moment.", TimeoutMs = AgentToolTypes.MaxTimeoutMs },
            new AgentTool { Type = AgentToolTypes.Http, Name = "crm", Url = "https://crm.example.com/hook" },
        ],
    };

    private static async Task<IReadOnlyList<ICallTool>> ToolsAsync(McpToolSource source, Agent agent) =>
        await source.ToolsForAsync(FrameHarness.Call(new TestClock(), agent), CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(20));

    private static Task<ToolResult> InvokeAsync(IReadOnlyList<ICallTool> tools, Agent agent, string name, string arguments) =>
        tools.Single(t => t.Definition.Name == name).InvokeAsync(new ToolInvocation(FrameHarness.Call(new TestClock(), agent), "call_1", arguments), CancellationToken.None)
            .WaitAsync(TimeSpan.FromSeconds(20));

    [Fact]
    public async Task Lists_the_servers_tools_prefixed_with_the_tools_name_with_their_descriptions_and_schemas()
    {
        using var source = Source();

        var tools = await ToolsAsync(source, Agent());

        Assert.Equal(["bistro_book_table", "bistro_hours_today", "bistro_waitlist"], tools.Select(t => t.Definition.Name).Order());
        var book = tools.Single(t => t.Definition.Name == "bistro_book_table");
        Assert.Equal("Book a table for a party at a time.", book.Definition.Description);
        Assert.Equal("integer", book.Definition.Parameters.GetProperty("properties").GetProperty("party").GetProperty("type").GetString());
        Assert.Equal(["party", "time"], book.Definition.Parameters.GetProperty("required").EnumerateArray().Select(r => r.GetString()).Order());
        Assert.Equal("One moment.", book.SpeakWhileRunning);
        Assert.Contains("Bearer mcp-key-1", _authorizations);
    }

    [Fact]
    public async Task Calling_a_tool_sends_the_arguments_and_its_json_answer_is_the_result()
    {
        using var source = Source();
        var agent = Agent();
        var tools = await ToolsAsync(source, agent);

        var result = await InvokeAsync(tools, agent, "bistro_book_table", """{"party":4,"time":"20:00"}""");

        Assert.True(result.Ok, result.Error);
        Assert.Equal("B-42000", result.Result!.Value.GetProperty("reference").GetString());
        Assert.Equal(4, result.Result!.Value.GetProperty("party").GetInt32());
        Assert.Contains("tools/call", _methods);
        Assert.All(_authorizations, a => Assert.Equal("Bearer mcp-key-1", a));
    }

    [Fact]
    public async Task A_plain_text_answer_reaches_the_model_as_a_string()
    {
        using var source = Source();
        var agent = Agent();
        var tools = await ToolsAsync(source, agent);

        var result = await InvokeAsync(tools, agent, "bistro_hours_today", "{}");

        Assert.Equal("\"We open at nine.\"", result.ToJson());
    }

    [Fact]
    public async Task An_answer_with_isError_becomes_an_error_the_agent_can_say()
    {
        using var source = Source();
        var agent = Agent();
        var tools = await ToolsAsync(source, agent);

        var result = await InvokeAsync(tools, agent, "bistro_waitlist", "{}");

        Assert.False(result.Ok);
        Assert.Equal("""{"error":"no table is free tonight"}""", result.ToJson());
    }

    [Fact]
    public async Task The_tool_list_is_kept_per_agent_so_the_next_call_does_not_list_again()
    {
        using var source = Source();

        await ToolsAsync(source, Agent("agent-1"));
        var again = await ToolsAsync(source, Agent("agent-1"));
        var other = await ToolsAsync(source, Agent("agent-2"));

        Assert.Equal(3, again.Count);
        Assert.Equal(3, other.Count);
        Assert.Equal(2, _methods.Count(m => m == "tools/list"));
    }

    [Fact]
    public async Task Without_the_local_exemption_a_loopback_server_is_refused_and_the_call_gets_no_tools_from_it()
    {
        using var source = Source(allowPrivateTargets: false);

        var plain = await ToolsAsync(source, Agent());
        var https = await ToolsAsync(source, Agent("agent-2", url: new UriBuilder(_url) { Scheme = "https" }.Uri.ToString()));

        Assert.Empty(plain);
        Assert.Empty(https);
        Assert.Empty(_methods);
    }

    [Fact]
    public async Task A_server_that_is_down_gives_no_tools_rather_than_failing_the_call()
    {
        using var source = Source();
        await _server.StopAsync();

        var tools = await ToolsAsync(source, Agent());

        Assert.Empty(tools);
    }

    /// <summary>Sessions the server saw opened: the handshake is <c>server/discover</c> (stateless protocol) or <c>initialize</c> (sessions).</summary>
    private int Handshakes => _methods.Count(m => m is "server/discover" or "initialize");

    [Fact]
    public async Task The_tool_calls_of_one_call_share_the_session_its_listing_opened_and_the_next_call_opens_its_own()
    {
        using var source = Source();
        var agent = Agent();
        await using (var tools = await source.ToolsForAsync(FrameHarness.Call(new TestClock(), agent), CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(20)))
        {
            Assert.True((await InvokeAsync(tools, agent, "bistro_book_table", """{"party":2,"time":"19:00"}""")).Ok);
            Assert.True((await InvokeAsync(tools, agent, "bistro_hours_today", "{}")).Ok);
            Assert.True(Handshakes == 1, string.Join(", ", _methods));
        }

        // The next call's list comes from the cache; its first tool call opens the call's own session.
        await using var next = await source.ToolsForAsync(FrameHarness.Call(new TestClock(), agent), CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(20));
        Assert.True((await InvokeAsync(next, agent, "bistro_hours_today", "{}")).Ok);
        Assert.True((await InvokeAsync(next, agent, "bistro_hours_today", "{}")).Ok);
        Assert.True(Handshakes == 2, string.Join(", ", _methods));
        Assert.Equal(4, _methods.Count(m => m == "tools/call"));
        Assert.Equal(1, _methods.Count(m => m == "tools/list"));
    }

    [Fact]
    public async Task A_server_that_is_down_is_tried_once_within_the_failure_window_and_calls_start_without_its_tools()
    {
        await using var down = await LoopbackServer.StartAsync(c => Wire.JsonAsync(c, 503, """{"error":"down"}"""));
        using var source = Source();
        var agent = Agent(url: new Uri(down.BaseUri, "mcp").ToString());

        var first = await ToolsAsync(source, agent);
        var tried = down.Requests.Count;
        var second = await ToolsAsync(source, agent);

        Assert.Empty(first);
        Assert.Empty(second);
        Assert.True(tried > 0);
        Assert.Equal(tried, down.Requests.Count);
    }
}
