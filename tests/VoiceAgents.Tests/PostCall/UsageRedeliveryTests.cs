using System.Globalization;
using System.Text.Json.Nodes;
using VoiceAgents.Core.Domain;
using VoiceAgents.Tests.Infrastructure;
using static VoiceAgents.Tests.Infrastructure.PostCallSteps;

namespace VoiceAgents.Tests.PostCall;

/// <summary>A call's usage is counted with the call, in the same guarded update: a redelivered message adds nothing.</summary>
[Collection(PostCallQueueCollection.Name)]
public sealed class UsageRedeliveryTests(ApiFixture api)
{
    private static readonly TimeSpan Drained = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task Redelivered_call_completed_message_counts_its_usage_once_and_keeps_it_on_the_call_log()
    {
        var tenant = await api.SignupAsync("usage-redelivery");
        var agentId = await CreateAgentAsync(tenant);
        var message = NewMessage(tenant, agentId) with
        {
            Usage = new CallUsage
            {
                SttAudioSeconds = new() { ["deepgram"] = 12.345 },
                LlmTokensIn = new() { ["openai"] = 1200 },
                LlmTokensOut = new() { ["openai"] = 80 },
                TtsCharacters = new() { ["cartesia"] = 321 },
                CallMinutes = new() { ["twilio"] = 42.5 / 60 },
            },
        };

        await Task.WhenAll(SendAsync(api.CallCompletedQueue, message), SendAsync(api.CallCompletedQueue, message));
        await DrainedAsync(api.CallCompletedQueue, Drained);
        await SendAsync(api.CallCompletedQueue, message);
        await DrainedAsync(api.CallCompletedQueue, Drained);

        var log = await GetAsync(tenant, $"call-logs/{message.CallId}");
        AssertFigures(log["usage"]!);
        var day = message.EndedAt.Date;
        foreach (var filter in new[] { "", $"&agent_id={agentId}" })
        {
            var usage = await GetAsync(tenant, $"usage?from={day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)}&to={day.AddDays(1).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)}{filter}");
            Assert.Equal(1, usage["totals"]!["calls"]!.GetValue<long>());
            AssertFigures(usage["totals"]!);
            AssertFigures(Assert.Single(usage["days"]!.AsArray())!);
        }
    }

    private static void AssertFigures(JsonNode figures)
    {
        Assert.Equal(12.345, figures["stt_audio_seconds"]!["deepgram"]!.GetValue<double>());
        Assert.Equal(1200, figures["llm_tokens_in"]!["openai"]!.GetValue<long>());
        Assert.Equal(80, figures["llm_tokens_out"]!["openai"]!.GetValue<long>());
        Assert.Equal(321, figures["tts_characters"]!["cartesia"]!.GetValue<long>());
        Assert.Equal(0.7083, figures["call_minutes"]!["twilio"]!.GetValue<double>());
    }
}
