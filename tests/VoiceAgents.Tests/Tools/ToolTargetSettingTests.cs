using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using VoiceAgents.Core.Domain;
using VoiceAgents.Tests.Processors;
using VoiceAgents.Tests.Providers.VendorServers;
using VoiceAgents.VoiceHost.Tools;
using VoiceAgents.VoiceHost.Tools.Mcp;

namespace VoiceAgents.Tests.Tools;

/// <summary>
/// <c>Tools:AllowPrivateTargets</c>, the one switch that lets agents' HTTP tools and MCP servers reach this machine
/// (./run.sh and the compose file set it); the keys it replaces still count when it is unset.
/// </summary>
public sealed class ToolTargetSettingTests
{
    private static ServiceProvider Services(string? key)
    {
        var settings = new Dictionary<string, string?>();
        if (key is not null) settings[key] = "true";
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        return new ServiceCollection()
            .AddLogging()
            .AddSingleton<IConfiguration>(configuration)
            .AddMcpTools()
            .AddTools(configuration)
            .BuildServiceProvider();
    }

    /// <summary>Starts a call of an agent with an HTTP tool and an MCP server on a loopback receiver, runs the HTTP tool, and counts what reached the receiver.</summary>
    private static async Task<int> RequestsReachingLoopbackAsync(string? key)
    {
        await using var receiver = await LoopbackServer.StartAsync(c => Wire.JsonAsync(c, 503, "{}"));
        await using var services = Services(key);
        var agent = ToolKit.Agent(ToolKit.Http("book", receiver.BaseUri), new AgentTool { Type = AgentToolTypes.Mcp, Name = "crm", Url = new Uri(receiver.BaseUri, "mcp").ToString() });
        var call = FrameHarness.Call(new TestClock(), agent);
        await using var tools = await CallTools.CollectAsync(call, services.GetServices<IToolSource>(), CancellationToken.None).WaitAsync(FrameHarness.Patience);
        await tools.Find("book")!.InvokeAsync(new ToolInvocation(call, "c1", "{}"), CancellationToken.None).WaitAsync(FrameHarness.Patience);
        return receiver.Requests.Select(r => r.Path).Distinct().Count();
    }

    [Theory]
    [InlineData("Tools:AllowPrivateTargets")]
    [InlineData("Webhooks:AllowPrivateTargets")]
    [InlineData("Tools:Mcp:AllowPrivateTargets")]
    public async Task The_switch_lets_both_the_http_tool_and_the_mcp_server_reach_loopback(string key)
    {
        Assert.Equal(2, await RequestsReachingLoopbackAsync(key));
    }

    [Fact]
    public async Task Without_the_switch_neither_reaches_loopback()
    {
        Assert.Equal(0, await RequestsReachingLoopbackAsync(null));
    }
}
