using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using VoiceAgents.Core.Domain;
using VoiceAgents.Tests.Providers.VendorServers;
using VoiceAgents.VoiceHost.Audio;
using VoiceAgents.VoiceHost.Configuration;
using VoiceAgents.VoiceHost.Processors;
using VoiceAgents.VoiceHost.Tools;
using VoiceAgents.VoiceHost.Tools.Http;
using static VoiceAgents.Tests.Tools.ToolKit;

namespace VoiceAgents.Tests.Tools;

/// <summary>An HTTP tool's answers as the model sees them: every failure is an error it can speak about, and nothing hangs.</summary>
public sealed class HttpToolTests
{
    private static async Task<ToolResult> InvokeAsync(AgentTool tool, bool allowPrivateTargets = true)
    {
        using var services = Services(allowPrivateTargets);
        var call = new CallContext("c", "t", Agent(tool), TimeProvider.System, new VoiceOptions(),
            new CallRecorder(Path.Combine(Path.GetTempPath(), "va-tools")), NullLogger.Instance);
        await using var _ = call.Recorder;
        var client = services.GetRequiredService<HttpToolClient>();
        return await new HttpCallTool(tool, client).InvokeAsync(new ToolInvocation(call, "id", """{"q":1}"""), CancellationToken.None);
    }

    [Fact]
    public async Task A_json_answer_is_the_result()
    {
        await using var receiver = await LoopbackServer.StartAsync(c => Wire.JsonAsync(c, 200, """{"ok":true}"""));
        var result = await InvokeAsync(Http("t", receiver.BaseUri));
        Assert.Equal("""{"ok":true}""", result.ToJson());
    }

    [Fact]
    public async Task A_non_2xx_answer_is_an_error_naming_the_status()
    {
        await using var receiver = await LoopbackServer.StartAsync(c => Wire.JsonAsync(c, 503, """{"ok":false}"""));
        var result = await InvokeAsync(Http("t", receiver.BaseUri));
        Assert.Equal("""{"error":"The tool answered HTTP 503."}""", result.ToJson());
    }

    [Fact]
    public async Task A_tool_that_does_not_answer_within_its_timeout_is_an_error_and_the_request_is_dropped()
    {
        await using var receiver = await LoopbackServer.StartAsync(Wire.HangAsync);
        var result = await InvokeAsync(Http("t", receiver.BaseUri, timeoutMs: 300));
        Assert.Equal("The tool did not answer within 300 ms.", result.Error);
        await receiver.ClientGone.WaitAsync(TimeSpan.FromSeconds(10));
    }

    [Fact]
    public async Task An_answer_that_is_not_json_is_an_error()
    {
        await using var receiver = await LoopbackServer.StartAsync(async c => await c.Response.WriteAsync("<html>ok</html>"));
        var result = await InvokeAsync(Http("t", receiver.BaseUri));
        Assert.Equal("The tool's answer is not JSON.", result.Error);
    }

    [Fact]
    public async Task An_answer_larger_than_the_cap_is_an_error()
    {
        var big = $$"""{"text":"{{new string('x', AgentToolTypes.MaxResultBytes)}}"}""";
        await using var receiver = await LoopbackServer.StartAsync(async c => await c.Response.WriteAsync(big));
        var result = await InvokeAsync(Http("t", receiver.BaseUri));
        Assert.Equal($"The tool's answer is larger than {AgentToolTypes.MaxResultBytes} bytes.", result.Error);
    }

    [Fact]
    public async Task A_loopback_url_is_refused_without_the_local_exemption_and_nothing_is_sent()
    {
        await using var receiver = await LoopbackServer.StartAsync(c => Wire.JsonAsync(c, 200, "{}"));
        var https = new UriBuilder(receiver.BaseUri) { Scheme = "https" }.Uri;
        var plain = await InvokeAsync(Http("t", receiver.BaseUri), allowPrivateTargets: false);
        var loopback = await InvokeAsync(Http("t", https), allowPrivateTargets: false);

        Assert.Equal("The tool's URL must be an https URL.", plain.Error);
        Assert.StartsWith("The tool's URL was refused: 127.0.0.1 resolves to 127.0.0.1", loopback.Error);
        Assert.Empty(receiver.Requests);
    }
}
