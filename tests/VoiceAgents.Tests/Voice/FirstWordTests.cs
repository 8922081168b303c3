using System.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using VoiceAgents.Core.Data;
using VoiceAgents.Tests.Infrastructure;
using VoiceAgents.VoiceHost.Calls;
using VoiceAgents.VoiceHost.Configuration;

namespace VoiceAgents.Tests.Voice;

/// <summary>
/// A fast first word through <c>/ws</c>: the agent read through voice-host's short cache, the greeting's first audio
/// made during the call's setup or taken from the cache, and a change to the agent heard by the next call within 5 s.
/// </summary>
[Collection(VoiceCollection.Name)]
public sealed class FirstWordTests(VoiceFixture voice)
{
    private static Task<string> GreeterAsync(TenantSession tenant, string firstMessage) =>
        tenant.AddAgentAsync(AgentSetup.Offline("Greeter", new { first_message = firstMessage }));

    /// <summary>A call to the agent: the greeting's transcript, once its audio has been heard after <c>ready</c>.</summary>
    private async Task<string> GreetingAsync(TenantSession tenant, string agentId)
    {
        await using var caller = await VoiceClient.ConnectAsync(voice.WebSocketUri);
        await caller.AuthenticateAsync(tenant.AccessToken, agentId);
        var greeting = await caller.WaitForAsync("transcript", TimeSpan.FromSeconds(15), e => e["role"]!.GetValue<string>() == "assistant");
        await caller.WaitForAsync("bot_stopped_speaking", TimeSpan.FromSeconds(15));
        lock (caller.Events)
        {
            var ready = caller.Events.First(e => VoiceClient.Type(e.Event) == "ready").At;
            lock (caller.Audio) Assert.True(caller.Audio.Count > 0 && caller.Audio[0].At >= ready, "the greeting's audio follows ready");
        }
        await caller.SendJsonAsync(new { type = "end" });
        await caller.WaitForAsync("end", TimeSpan.FromSeconds(10));
        return greeting["text"]!.GetValue<string>();
    }

    [Fact]
    public async Task A_second_call_to_the_same_agent_hears_its_greeting_from_the_cache_without_a_new_synthesis()
    {
        var tenant = await voice.Api.SignupAsync("first-word");
        var agentId = await GreeterAsync(tenant, "Hello, you are through to the bakery.");
        var greetings = voice.Services.GetRequiredService<GreetingAudio>();
        var before = greetings.Syntheses;

        Assert.Equal("Hello, you are through to the bakery.", await GreetingAsync(tenant, agentId));
        Assert.Equal("Hello, you are through to the bakery.", await GreetingAsync(tenant, agentId));

        Assert.Equal(1, greetings.Syntheses - before);
    }

    [Fact]
    public async Task A_new_first_message_set_through_the_API_is_what_a_call_hears_within_five_seconds()
    {
        var tenant = await voice.Api.SignupAsync("first-word-change");
        var agentId = await GreeterAsync(tenant, "Hello, you are through to the bakery.");
        Assert.Equal("Hello, you are through to the bakery.", await GreetingAsync(tenant, agentId));

        await tenant.UpdateAgentAsync(agentId, a => a["first_message"] = "Hello, you are through to the florist.");
        var changed = Stopwatch.StartNew();
        string heard;
        do
        {
            var dialled = changed.Elapsed;
            heard = await GreetingAsync(tenant, agentId);
            Assert.True(heard == "Hello, you are through to the florist." || dialled < TimeSpan.FromSeconds(5),
                $"a call dialled {dialled.TotalSeconds:F1} s after the change still heard the old greeting");
        }
        while (heard != "Hello, you are through to the florist.");
    }

    [Fact]
    public async Task The_agent_cache_serves_a_changed_agent_only_once_its_time_to_live_has_passed_on_its_clock()
    {
        var tenant = await voice.Api.SignupAsync("agent-cache");
        var agentId = await GreeterAsync(tenant, "Hello, you are through to the bakery.");
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var options = new VoiceOptions();
        using var agents = new AgentConfigurations(voice.Services.GetRequiredService<MongoContext>(), Options.Create(options), clock);

        var first = await agents.GetAsync(tenant.TenantId, agentId, CancellationToken.None);
        Assert.Equal("Hello, you are through to the bakery.", first!.FirstMessage);
        await tenant.UpdateAgentAsync(agentId, a => a["system_prompt"] = "You sell flowers.");

        clock.Advance(options.AgentCacheTtl - TimeSpan.FromMilliseconds(1));
        Assert.Same(first, await agents.GetAsync(tenant.TenantId, agentId, CancellationToken.None));
        clock.Advance(TimeSpan.FromMilliseconds(1));
        Assert.Equal("You sell flowers.", (await agents.GetAsync(tenant.TenantId, agentId, CancellationToken.None))!.SystemPrompt);
        Assert.True(options.AgentCacheTtl <= TimeSpan.FromSeconds(5));
        // Another tenant's id never finds it, cached or not.
        Assert.Null(await agents.GetAsync("0123456789abcdef01234567", agentId, CancellationToken.None));
    }
}
