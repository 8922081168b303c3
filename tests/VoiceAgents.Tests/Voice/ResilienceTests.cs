using System.Runtime.CompilerServices;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using VoiceAgents.Core.Domain;
using VoiceAgents.VoiceHost.Pipeline;
using VoiceAgents.VoiceHost.Providers.Local;
using VoiceAgents.VoiceHost.Providers;

namespace VoiceAgents.Tests.Voice;

/// <summary>Retries, the per-provider circuit breaker and the agent's fallback provider.</summary>
public sealed class ResilienceTests
{
    private static ProviderResilience Resilience(TimeSpan? attemptTimeout = null) => new(Options.Create(new ResilienceOptions
    {
        Retries = 2,
        RetryDelay = TimeSpan.FromMilliseconds(5),
        AttemptTimeout = attemptTimeout ?? TimeSpan.FromSeconds(2),
        BreakerFailures = 5,
        BreakDuration = TimeSpan.FromSeconds(60),
    }), TimeProvider.System);

    /// <summary>Fails its first <c>failures</c> requests, then answers; or waits before its first token.</summary>
    private sealed class ScriptedLlm(string name, int failures, TimeSpan firstTokenDelay = default) : ILlmProvider
    {
        public int Calls;

        public string Name => name;

        public async IAsyncEnumerable<LlmDelta> StreamAsync(LlmRequest request, [EnumeratorCancellation] CancellationToken ct)
        {
            var call = Interlocked.Increment(ref Calls);
            if (firstTokenDelay > TimeSpan.Zero) await Task.Delay(firstTokenDelay, ct);
            if (call <= failures) throw new ProviderException(name, "503 Service Unavailable");
            yield return new LlmDelta("Hello");
            yield return new LlmDelta(" there.");
        }
    }

    private static readonly Agent Agent = new() { Id = "a", TenantId = "t", UserId = "u", Name = "A", FallbackLine = "Fallback speaking." };
    private static LlmRequest Request => new(Agent, [new ChatMessage(ChatMessage.User, "hi")]);

    private static async Task<string> Collect(ILlmProvider llm)
    {
        var text = "";
        await foreach (var d in llm.StreamAsync(Request, CancellationToken.None)) text += d.Text;
        return text;
    }

    [Fact]
    public async Task A_request_that_fails_twice_is_retried_and_succeeds()
    {
        var primary = new ScriptedLlm("flaky", failures: 2);
        var llm = new ResilientLlm(Resilience(), NullLogger.Instance, (primary, Agent.Llm));
        Assert.Equal("Hello there.", await Collect(llm));
        Assert.Equal(3, primary.Calls);
    }

    [Fact]
    public async Task After_five_failed_calls_the_breaker_opens_and_the_fallback_answers_without_trying_the_primary()
    {
        var primary = new ScriptedLlm("down", failures: int.MaxValue);
        var llm = new ResilientLlm(Resilience(), NullLogger.Instance, (primary, Agent.Llm), (new RulesLlm(), Agent.Llm));
        for (var i = 0; i < 5; i++) Assert.Equal("Fallback speaking.", await Collect(llm));
        var callsWhenOpened = primary.Calls;
        Assert.Equal(5 * 3, callsWhenOpened);
        for (var i = 0; i < 3; i++) Assert.Equal("Fallback speaking.", await Collect(llm));
        Assert.Equal(callsWhenOpened, primary.Calls);
    }

    [Fact]
    public async Task A_tenant_keys_failures_open_its_own_breaker_and_leave_the_platform_key_and_other_tenants_keys_closed()
    {
        var resilience = Resilience();
        var tenantA = new ScriptedLlm("openai", failures: int.MaxValue);
        var tenantB = new ScriptedLlm("openai", failures: 0);
        var platform = new ScriptedLlm("openai", failures: 0);
        resilience.ScopeToKey(tenantA, new VoiceAgents.Core.Credentials.ProviderKey("openai", "sk-tenant-a-revoked", null, null));
        resilience.ScopeToKey(tenantB, new VoiceAgents.Core.Credentials.ProviderKey("openai", "sk-tenant-b", null, null));
        var a = new ResilientLlm(resilience, NullLogger.Instance, (tenantA, Agent.Llm), (new RulesLlm(), Agent.Llm));
        for (var i = 0; i < 6; i++) Assert.Equal("Fallback speaking.", await Collect(a));
        Assert.Equal(5 * 3, tenantA.Calls);

        Assert.Equal("Hello there.", await Collect(new ResilientLlm(resilience, NullLogger.Instance, (platform, Agent.Llm))));
        Assert.Equal("Hello there.", await Collect(new ResilientLlm(resilience, NullLogger.Instance, (tenantB, Agent.Llm))));
        Assert.Equal((1, 1), (platform.Calls, tenantB.Calls));
    }

    [Fact]
    public async Task The_fallback_that_answered_is_the_one_serving_so_its_usage_is_counted_against_it()
    {
        var tts = new ResilientTts(Resilience(), NullLogger.Instance,
            (new DownTts("cartesia"), Agent.Tts), (new ToneTts(0.1), Agent.Tts));
        Assert.Equal("cartesia", tts.Serving);

        await foreach (var _ in tts.SynthesizeAsync("Hello.", Agent.Tts, "en-US", CancellationToken.None))
        {
        }

        Assert.Equal(("cartesia", new ToneTts(0.1).Name), (tts.Name, tts.Serving));
    }

    private sealed class DownTts(string name) : ITtsProvider
    {
        public string Name => name;

        public async IAsyncEnumerable<VoiceAgents.VoiceHost.Audio.AudioChunk> SynthesizeAsync(string text, TtsConfig config, string language, [EnumeratorCancellation] CancellationToken ct)
        {
            await Task.Yield();
            throw new ProviderException(name, "503 Service Unavailable");
#pragma warning disable CS0162 // an iterator needs a yield
            yield break;
#pragma warning restore CS0162
        }
    }

    [Fact]
    public async Task Without_a_fallback_an_unavailable_provider_is_reported()
    {
        var llm = new ResilientLlm(Resilience(), NullLogger.Instance, (new ScriptedLlm("down", int.MaxValue), Agent.Llm));
        await Assert.ThrowsAsync<ProviderUnavailableException>(() => Collect(llm));
    }

    [Fact]
    public async Task A_first_token_slower_than_the_attempt_timeout_fails_over_to_the_fallback()
    {
        var slow = new ScriptedLlm("slow", failures: 0, firstTokenDelay: TimeSpan.FromSeconds(5));
        var llm = new ResilientLlm(Resilience(TimeSpan.FromMilliseconds(200)), NullLogger.Instance, (slow, Agent.Llm), (new RulesLlm(), Agent.Llm));
        var started = DateTime.UtcNow;
        Assert.Equal("Fallback speaking.", await Collect(llm));
        Assert.True(DateTime.UtcNow - started < TimeSpan.FromSeconds(4), "the slow provider was waited for past its timeout");
    }

    [Fact]
    public async Task Cancelling_the_call_cancels_the_request_in_flight()
    {
        var slow = new ScriptedLlm("slow", failures: 0, firstTokenDelay: TimeSpan.FromSeconds(30));
        var llm = new ResilientLlm(Resilience(TimeSpan.FromSeconds(60)), NullLogger.Instance, (slow, Agent.Llm));
        using var cts = new CancellationTokenSource(TimeSpan.FromMilliseconds(200));
        var started = DateTime.UtcNow;
        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () =>
        {
            await foreach (var _ in llm.StreamAsync(Request, cts.Token))
            {
            }
        });
        Assert.True(DateTime.UtcNow - started < TimeSpan.FromSeconds(5));
    }
}
