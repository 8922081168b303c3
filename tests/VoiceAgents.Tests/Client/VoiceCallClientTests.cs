using System.Net.WebSockets;
using VoiceAgents.Client;
using VoiceAgents.Tests.Infrastructure;

namespace VoiceAgents.Tests.Client;

/// <summary>The /ws client library against a real voice-host: what the CLI and the benches build on.</summary>
[Collection(VoiceCollection.Name)]
public sealed class VoiceCallClientTests(VoiceFixture voice)
{
    [Fact]
    public async Task A_call_is_ready_then_ends_with_the_servers_end_reason_and_a_normal_close()
    {
        var tenant = await voice.Api.SignupAsync("client");
        var agentId = (await tenant.CreateAgentAsync())["id"]!.GetValue<string>();
        var events = new List<string>();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await using var call = new VoiceCallClient
        {
            OnEvent = (type, _, _) =>
            {
                lock (events) events.Add(type);
            },
        };

        await call.ConnectAsync(voice.WebSocketUri, timeout.Token);
        var ready = await call.AuthenticateAsync(tenant.AccessToken, agentId, 16000, ct: timeout.Token);
        await call.StreamAsync(new short[16000 / 5], new AudioPacer(16000), timeout.Token);
        await call.EndAsync(ct: timeout.Token);

        Assert.Matches("^[0-9a-f]{24}$", ready.CallId);
        Assert.Equal(16000, ready.OutputSampleRate);
        Assert.Equal("caller_ended", call.EndReason);
        Assert.Equal(WebSocketCloseStatus.NormalClosure, call.CloseStatus);
        Assert.True(call.Closed.IsCompleted);
        lock (events) Assert.Equal(["ready", "end"], events.Where(e => e is "ready" or "end"));
    }

    [Fact]
    public async Task A_refused_auth_throws_with_the_close_code_and_reason()
    {
        var a = await voice.Api.SignupAsync("client-a");
        var agentOfA = (await a.CreateAgentAsync())["id"]!.GetValue<string>();
        var b = await voice.Api.SignupAsync("client-b");
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await using var call = new VoiceCallClient();
        await call.ConnectAsync(voice.WebSocketUri, timeout.Token);

        var refused = await Assert.ThrowsAsync<VoiceCallClosedException>(() => call.AuthenticateAsync(b.AccessToken, agentOfA, ct: timeout.Token));

        Assert.Equal(4403, (int)refused.CloseStatus!);
        Assert.Contains("agent not found", refused.CloseReason);
        Assert.Null(call.EndReason);
    }
}
