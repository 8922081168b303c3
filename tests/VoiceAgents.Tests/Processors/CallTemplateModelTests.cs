using Microsoft.Extensions.Logging.Abstractions;
using VoiceAgents.Core.Domain;
using VoiceAgents.VoiceHost.Audio;
using VoiceAgents.VoiceHost.Configuration;
using VoiceAgents.VoiceHost.Pipeline;
using VoiceAgents.VoiceHost.Pipeline.Frames;
using VoiceAgents.VoiceHost.Processors;
using VoiceAgents.Tests.Telephony;

namespace VoiceAgents.Tests.Processors;

/// <summary>The system prompt and the first message are Liquid templates over the call's variables and built-ins.</summary>
public sealed class CallTemplateModelTests
{
    public static CallContext Call(Agent agent, IReadOnlyDictionary<string, string> variables, string? phoneNumber = null, string? campaignId = null, string? providerCallId = null, string? providerAccountId = null) =>
        new("64b000000000000000000001", "t", agent, new TestClock(), new VoiceOptions(), new CallRecorder(Path.Combine(Path.GetTempPath(), "va-frames")), NullLogger.Instance)
        {
            Variables = variables,
            PhoneNumber = phoneNumber,
            CampaignId = campaignId,
            ProviderCallId = providerCallId,
            ProviderAccountId = providerAccountId ?? (providerCallId is null ? null : TwilioLoopback.AccountSid),
        };

    [Fact]
    public async Task The_first_message_and_system_prompt_render_over_the_variables_and_the_built_ins()
    {
        var agent = new Agent
        {
            Id = "a1", TenantId = "t", UserId = "u", Name = "A", TimeZone = "Asia/Kolkata",
            SystemPrompt = "You call {{ name }} for campaign {{ call.campaign_id }} on call {{ call.id }} of agent {{ call.agent_id }}. It is {{ now }}.",
            FirstMessage = "Hello {{ name | default: \"there\" }}, is this {{ caller.phone_number }}?",
        };
        var call = Call(agent, new Dictionary<string, string> { ["name"] = "Asha" }, "+919812345678", "64b0000000000000000000c1");

        var (down, _) = await FrameHarness.RunAsync(call, [new UserContextProcessor(call)], new TranscriptionFrame("Yes.", call.Time.GetUtcNow()));

        Assert.Equal("Hello Asha, is this +919812345678?", down.OfType<TextFrame>().Single().Text);
        // The clock starts at 2026-01-01T00:00Z: 05:30 in the agent's time zone.
        Assert.Equal(
            "You call Asha for campaign 64b0000000000000000000c1 on call 64b000000000000000000001 of agent a1. It is 2026-01-01T05:30:00+05:30.",
            down.OfType<LlmRunFrame>().Single().Messages[0].Content);
    }

    [Fact]
    public async Task A_missing_variable_takes_its_default_and_a_caller_cannot_overwrite_the_built_ins()
    {
        var agent = new Agent { Id = "a1", TenantId = "t", UserId = "u", Name = "A", SystemPrompt = "", FirstMessage = "Hello {{ name | default: \"there\" }} on {{ call.id }}." };
        var call = Call(agent, new Dictionary<string, string> { ["call"] = "forged" });

        var (down, _) = await FrameHarness.RunAsync(call, [new UserContextProcessor(call)]);

        Assert.Equal("Hello there on 64b000000000000000000001.", down.OfType<TextFrame>().Single().Text);
    }

    [Fact]
    public async Task A_first_message_that_renders_empty_is_not_spoken()
    {
        var agent = new Agent { Id = "a1", TenantId = "t", UserId = "u", Name = "A", SystemPrompt = "", FirstMessage = "{{ greeting }}" };
        var call = Call(agent, new Dictionary<string, string>());

        var (down, _) = await FrameHarness.RunAsync(call, [new UserContextProcessor(call)]);

        Assert.Empty(down);
    }
}
