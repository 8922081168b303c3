using VoiceAgents.Tests.Infrastructure;
using VoiceAgents.VoiceHost.Audio;

namespace VoiceAgents.Tests.Credentials;

/// <summary>A tenant's calls run on the tenant's own vendor key; without one, on the platform's only where the operator allows it.</summary>
public sealed class TenantKeyCallsTests(TenantKeyCallsFixture fixture) : IClassFixture<TenantKeyCallsFixture>
{
    private async Task<(TenantSession Tenant, string AgentId)> TenantAsync(string label, string llm, string? key)
    {
        var tenant = await fixture.Api.SignupAsync(label);
        using var client = tenant.Client();
        if (key is not null) await TenantSession.Read(await client.PutAsync($"provider-credentials/{llm}", ApiFixture.Json(new { api_key = key })), 200);
        var agent = await TenantSession.Read(await client.PostAsync("agents", ApiFixture.Json(new
        {
            name = "Own-key agent",
            llm = new { provider = llm, model = llm == "openai" ? "gpt-4o-mini" : "claude-haiku-4-5" },
            stt = new { provider = "local" },
            tts = new { provider = "local", voice = "slt" },
        })), 201);
        return (tenant, agent["id"]!.GetValue<string>());
    }

    private static async Task<string> SpeakAndHearReplyAsync(TenantSession tenant, string agentId, Uri voice, byte[] speech)
    {
        await using var caller = await VoiceClient.ConnectAsync(voice);
        await caller.AuthenticateAsync(tenant.AccessToken, agentId);
        var (samples, rate) = Wav.Read(speech);
        await caller.StreamSilenceAsync(TimeSpan.FromMilliseconds(300), rate);
        await caller.StreamAsync(samples, rate);
        using var stop = new CancellationTokenSource();
        var silence = caller.StreamSilenceAsync(TimeSpan.FromSeconds(30), rate, stop.Token);
        var reply = await caller.WaitForAsync("transcript", TimeSpan.FromSeconds(60), e => e["role"]!.GetValue<string>() == "assistant");
        await stop.CancelAsync();
        await silence.ContinueWith(_ => { });
        return reply["text"]!.GetValue<string>();
    }

    [Fact]
    public async Task Two_tenants_calls_at_the_same_time_reach_the_vendor_each_with_its_own_key_and_a_keyless_tenant_with_the_platforms()
    {
        var a = await TenantAsync("byok-a", "openai", "sk-tenant-a-key-AAAA");
        var b = await TenantAsync("byok-b", "openai", "sk-tenant-b-key-BBBB");
        var platform = await TenantAsync("byok-none", "openai", null);
        fixture.Expected = 3;
        var speech = await VoiceFixture.SpeakAsync("I want to make a reservation please.");

        // The loopback answers none until all three requests are in, so the three calls are with the vendor at once.
        var replies = await Task.WhenAll(
            SpeakAndHearReplyAsync(a.Tenant, a.AgentId, fixture.Voice.WebSocketUri, speech),
            SpeakAndHearReplyAsync(b.Tenant, b.AgentId, fixture.Voice.WebSocketUri, speech),
            SpeakAndHearReplyAsync(platform.Tenant, platform.AgentId, fixture.Voice.WebSocketUri, speech));

        Assert.Equal("Answered on key AAAA.", replies[0]);
        Assert.Equal("Answered on key BBBB.", replies[1]);
        Assert.Equal("Answered on key 0000.", replies[2]);
        Assert.Equal(
            new[] { "Bearer sk-platform-key-0000", "Bearer sk-tenant-a-key-AAAA", "Bearer sk-tenant-b-key-BBBB" },
            fixture.ChatAuthorizations.Distinct().Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task A_call_on_a_vendor_whose_platform_key_is_closed_to_tenants_without_their_own_is_refused_with_the_reason()
    {
        var (tenant, agentId) = await TenantAsync("byok-closed", "anthropic", null);
        await using var caller = await VoiceClient.ConnectAsync(fixture.Voice.WebSocketUri);
        await caller.SendJsonAsync(new { type = "auth", token = tenant.AccessToken, agent_id = agentId, sample_rate = 16000 });

        await caller.Closed.Task.WaitAsync(TimeSpan.FromSeconds(15));
        Assert.Equal(4403, (int)caller.CloseStatus!);
        Assert.Contains("provider anthropic needs the tenant's own key", caller.CloseReason, StringComparison.Ordinal);
        Assert.DoesNotContain(caller.Events, e => VoiceClient.Type(e.Event) == "ready");
    }
}
