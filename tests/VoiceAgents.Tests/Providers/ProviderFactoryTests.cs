using System.Runtime.CompilerServices;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using VoiceAgents.Core.Domain;
using VoiceAgents.VoiceHost.Pipeline;
using VoiceAgents.VoiceHost.Providers;
using static VoiceAgents.Tests.Providers.VendorServers.ProviderTestKit;

namespace VoiceAgents.Tests.Providers;

/// <summary>How an agent's choice of providers becomes the chain a call uses.</summary>
public sealed class ProviderFactoryTests
{
    /// <summary>Answers every request, and keeps it.</summary>
    private sealed class RecordingLlm : ILlmProvider
    {
        public List<LlmRequest> Requests { get; } = [];

        public string Name => "recording";

        public async IAsyncEnumerable<LlmDelta> StreamAsync(LlmRequest request, [EnumeratorCancellation] CancellationToken ct)
        {
            lock (Requests) Requests.Add(request);
            await Task.Yield();
            yield return new LlmDelta("Hello.");
        }
    }

    [Fact]
    public async Task A_fallback_llm_is_asked_for_the_same_whole_agent_with_the_fallback_model()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { ["Providers:Resilience:RetryDelay"] = "00:00:00.005" }).Build();
        var services = new ServiceCollection().AddSingleton<IConfiguration>(configuration).AddLogging().AddSingleton(TimeProvider.System).AddProviders();
        var fallback = new RecordingLlm();
        services.AddKeyedSingleton<ILlmProvider>(fallback.Name, fallback);
        await using var provider = services.BuildServiceProvider();
        // OpenAI without a key fails at once, so the fallback answers.
        var agent = new Agent
        {
            Id = "agent-1",
            UserId = "user-1",
            TenantId = "tenant-1",
            Name = "Receptionist",
            SystemPrompt = "You are a receptionist.",
            Llm = new LlmConfig { Provider = "openai", Model = "gpt-4o", Temperature = 0.3, FallbackProvider = fallback.Name, FallbackModel = "small-model" },
            Voicemail = new VoicemailSettings { MachineDetection = true, Action = VoicemailActions.LeaveMessage, Message = "Please call us back." },
        };

        var reply = await CollectAsync(provider.GetRequiredService<ProviderFactory>().Llm(agent)
            .StreamAsync(new LlmRequest(agent, [new ChatMessage(ChatMessage.User, "Hi")]), default));

        Assert.Equal("Hello.", Assert.Single(reply).Text);
        var request = Assert.Single(fallback.Requests);
        Assert.Same(agent, request.Agent);
        Assert.Equal("Please call us back.", request.Agent.Voicemail?.Message);
        Assert.Equal((fallback.Name, "small-model", 0.3), (request.Llm.Provider, request.Llm.Model, request.Llm.Temperature));
        Assert.Equal("gpt-4o", agent.Llm.Model);
    }
}

/// <summary>A server a tenant named for its own key is connected to through the SSRF guard, not only checked when the key was saved.</summary>
public sealed class TenantTargetTests
{
    private static ServiceProvider Services(string platformBaseUrl) =>
        new ServiceCollection()
            .AddSingleton<IConfiguration>(new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
            {
                ["Providers:Resilience:Retries"] = "1",
                ["Providers:Resilience:RetryDelay"] = "00:00:00.005",
                ["Providers:OpenAiCompatible:BaseUrl"] = platformBaseUrl,
            }).Build())
            .AddLogging().AddSingleton(TimeProvider.System)
            // As in production: private addresses refused (tests' own hosts lift it with Tools:AllowPrivateTargets).
            .AddSingleton(new VoiceAgents.Core.Net.SsrfGuard(allowPrivateTargets: false))
            .AddProviders().BuildServiceProvider();

    [Fact]
    public async Task A_tenant_base_url_that_resolves_to_a_private_address_is_refused_at_connect_while_the_operators_is_used()
    {
        await using var server = await VendorServers.LoopbackServer.StartAsync(c => VendorServers.OpenAiWire.ReplyAsync(c, ["Hi"]));
        var baseUrl = new Uri(server.BaseUri, "v1").ToString();
        await using var services = Services(baseUrl);
        var agent = new Agent { Id = "a", UserId = "u", TenantId = "t", Name = "A", SystemPrompt = "", Llm = new LlmConfig { Provider = "openai_compatible" } };
        var request = new LlmRequest(agent, [new ChatMessage(ChatMessage.User, "Hi")]);
        var factory = services.GetRequiredService<ProviderFactory>();

        // "localhost" would pass a check of the literal text; the guard looks at where it resolves, as it connects.
        var tenantKey = new VoiceAgents.Core.Credentials.ProviderKey("openai_compatible", "tenant-key", baseUrl.Replace("127.0.0.1", "localhost"), null);
        var refused = await Assert.ThrowsAnyAsync<Exception>(() => CollectAsync(
            factory.Llm(agent, new Dictionary<string, VoiceAgents.Core.Credentials.ProviderKey> { ["openai_compatible"] = tenantKey }).StreamAsync(request, default)));
        var platform = await CollectAsync(factory.Llm(agent).StreamAsync(request, default));

        Assert.Contains("private", refused.ToString(), StringComparison.OrdinalIgnoreCase);
        Assert.Equal("Hi", Assert.Single(platform).Text);
        Assert.Single(server.Requests);
    }
}
