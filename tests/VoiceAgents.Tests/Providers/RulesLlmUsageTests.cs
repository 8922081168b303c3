using VoiceAgents.Core.Domain;
using VoiceAgents.VoiceHost.Pipeline;
using VoiceAgents.VoiceHost.Providers;
using VoiceAgents.VoiceHost.Providers.Local;
using static VoiceAgents.Tests.Providers.VendorServers.ProviderTestKit;

namespace VoiceAgents.Tests.Providers;

/// <summary>The rules responder has no tokenizer; its usage is an estimate of about four characters a token, labelled as one.</summary>
public sealed class RulesLlmUsageTests
{
    [Fact]
    public async Task Rules_reply_reports_the_conversation_and_the_reply_at_four_characters_a_token_as_an_estimate()
    {
        var agent = Agent("rules", systemPrompt: "You take table bookings.");
        agent.Rules = [new AgentRule { Match = "book table", Reply = "Certainly. For what time would you like the table?" }];
        var reported = new List<LlmUsage>();

        var deltas = await CollectAsync(new RulesLlm().StreamAsync(
            Request(agent, new ChatMessage(ChatMessage.User, "I would like to book a table for two.")) with { ReportUsage = reported.Add }, default));

        Assert.Equal("Certainly. For what time would you like the table?", string.Concat(deltas.Select(d => d.Text)));
        // Prompt: 24 + 37 characters, 16 tokens rounded up; reply: 50 characters, 13 tokens.
        Assert.Equal(new LlmUsage("rules", 16, 13, Estimated: true), Assert.Single(reported));
    }
}
