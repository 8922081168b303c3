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
