using System.Text.Json.Nodes;
using VoiceAgents.Core.Domain;
using VoiceAgents.Tests.Infrastructure;
using VoiceAgents.Tests.Providers.VendorServers;
using VoiceAgents.VoiceHost.Audio;
using VoiceAgents.VoiceHost.Knowledge;
using static VoiceAgents.Tests.Knowledge.KnowledgeSeed;

namespace VoiceAgents.Tests.Knowledge;

/// <summary>Whole calls through voice-host that answer from a knowledge base: a rule offline, and a model in context and tool mode.</summary>
public sealed class KnowledgeCallTests(KnowledgeCallsFixture fixture) : IClassFixture<KnowledgeCallsFixture>
{
    private static object OpenAiAgent => new
    {
        name = "Clinic receptionist",
        system_prompt = "You answer the telephone for Harbourview Family Clinic.",
        llm = new { provider = "openai", model = "gpt-4o-mini" },
        stt = new { provider = "local", language = "en-US" },
        tts = new { provider = "local", voice = "slt" },
    };

    private async Task<(TenantSession Tenant, string AgentId, string KnowledgeBaseId)> AgentAsync(string label, JsonObject agent, string mode)
    {
        var tenant = await fixture.Api.SignupAsync(label);
        var kb = await AddClinicAsync(fixture.Api.Services, tenant.TenantId);
        var agentId = await tenant.AddAgentAsync(agent);
        await UseKnowledgeBaseAsync(fixture.Api.Services, agentId, kb, mode);
        return (tenant, agentId, kb);
    }

    /// <summary>Says each question in turn and returns the agent's first transcript line after each.</summary>
    private async Task<List<string>> AskAsync(TenantSession tenant, string agentId, params string[] questions)
    {
        await using var caller = await VoiceClient.ConnectAsync(fixture.Voice.WebSocketUri);
        await caller.AuthenticateAsync(tenant.AccessToken, agentId);
        var answers = new List<string>();
        foreach (var question in questions)
        {
            var (samples, rate) = Wav.Read(await VoiceFixture.SpeakAsync(question));
            await caller.StreamSilenceAsync(TimeSpan.FromMilliseconds(300), rate);
            await caller.StreamAsync(samples, rate);
            using var stop = new CancellationTokenSource();
            var silence = caller.StreamSilenceAsync(TimeSpan.FromSeconds(30), rate, stop.Token);
            int known;
            lock (caller.Events) known = caller.Events.Count;
            // Events of this turn only: not among those seen before the question.
            bool Fresh(JsonNode e)
            {
                lock (caller.Events) return !caller.Events.Take(known).Any(x => ReferenceEquals(x.Event, e));
            }
            var reply = await caller.WaitForAsync("transcript", TimeSpan.FromSeconds(60), e => e["role"]!.GetValue<string>() == "assistant" && Fresh(e));
            answers.Add(reply["text"]!.GetValue<string>());
            // The whole reply is out before the next question.
            await caller.WaitForAsync("bot_stopped_speaking", TimeSpan.FromSeconds(30), Fresh);
            await stop.CancelAsync();
            await silence.ContinueWith(_ => { });
        }
        await caller.SendJsonAsync(new { type = "end" });
        return answers;
    }

    [Fact]
    public async Task A_rule_with_reply_from_knowledge_speaks_the_most_relevant_sentence_of_the_best_chunk()
    {
        var agent = AgentSetup.Offline(with: new { rules = new[] { new { match = "*", reply_from_knowledge = true } } });
        var (tenant, agentId, _) = await AgentAsync("kb-rule", agent, KnowledgeModes.Context);

        var answers = await AskAsync(tenant, agentId, "Where can I park my car?");

        Assert.Equal("The clinic has a free car park with 40 spaces, six of which are reserved for blue badge holders near the entrance.", answers[0]);
    }

    [Fact]
    public async Task In_context_mode_each_turns_request_carries_the_best_passages_for_that_turn_after_the_system_prompt_and_none_of_the_last_turns()
    {
        fixture.Reply = (_, ctx) => OpenAiWire.ReplyAsync(ctx, ["Thank you ", "for asking."]);
        var (tenant, agentId, _) = await AgentAsync("kb-context", AgentSetup.Offline(with: OpenAiAgent), KnowledgeModes.Context);
        var before = fixture.ChatRequests.Count;

        await AskAsync(tenant, agentId, "Where can I park my car?", "How do I make a complaint?");

        var requests = fixture.ChatRequests.Skip(before).Select(r => r.Json["messages"]!.AsArray()).ToList();
        Assert.Equal(2, requests.Count);
        foreach (var (messages, heading) in requests.Zip(["Parking and getting here", "Comments and complaints"]))
        {
            Assert.Equal("You answer the telephone for Harbourview Family Clinic.", messages[0]!["content"]!.GetValue<string>());
            var passages = Assert.Single(messages, m => m!["role"]!.GetValue<string>() == "system" && m["content"]!.GetValue<string>().StartsWith(CallKnowledge.ContextPreamble, StringComparison.Ordinal))!;
            Assert.Equal(1, messages.IndexOf(passages));
            Assert.Contains($"[1] {ClinicDocument.Source} > {heading}\n", passages["content"]!.GetValue<string>(), StringComparison.Ordinal);
        }
        Assert.DoesNotContain("> Comments and complaints", requests[0][1]!["content"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task In_tool_mode_the_model_is_offered_search_knowledge_base_and_its_result_holds_the_best_passages()
    {
        var first = fixture.ChatRequests.Count + 1;
        fixture.Reply = (n, ctx) => n == first
            ? OpenAiWire.ToolCallsAsync(ctx, [("call_kb_1", KnowledgeSearchTool.Name, ["{\"query\":", "\"parking spaces\"}"])])
            : OpenAiWire.ReplyAsync(ctx, ["There is a free car park ", "with forty spaces."]);
        var (tenant, agentId, _) = await AgentAsync("kb-tool", AgentSetup.Offline(with: OpenAiAgent), KnowledgeModes.Tool);
        var before = fixture.ChatRequests.Count;

        var answers = await AskAsync(tenant, agentId, "Where can I park my car?");

        Assert.Equal("There is a free car park with forty spaces.", answers[0]);
        var requests = fixture.ChatRequests.Skip(before).Select(r => r.Json).ToList();
        Assert.Equal(2, requests.Count);
        Assert.Contains(requests[0]["tools"]!.AsArray(), t => t!["function"]!["name"]!.GetValue<string>() == KnowledgeSearchTool.Name);
        Assert.DoesNotContain(requests[0]["messages"]!.AsArray(), m => m!["content"]?.ToString().StartsWith(CallKnowledge.ContextPreamble, StringComparison.Ordinal) == true);
        var result = Assert.Single(requests[1]["messages"]!.AsArray(), m => m!["role"]!.GetValue<string>() == "tool")!;
        Assert.Equal("call_kb_1", result["tool_call_id"]!.GetValue<string>());
        var best = JsonNode.Parse(result["content"]!.GetValue<string>())!["results"]![0]!;
        Assert.Equal("Parking and getting here", best["heading"]!.GetValue<string>());
        Assert.StartsWith("The clinic has a free car park with 40 spaces", best["text"]!.GetValue<string>(), StringComparison.Ordinal);
    }
}
