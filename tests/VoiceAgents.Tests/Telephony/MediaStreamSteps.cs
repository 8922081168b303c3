using System.Xml.Linq;
using Microsoft.Extensions.Time.Testing;
using VoiceAgents.Tests.Infrastructure;
using VoiceAgents.VoiceHost.Audio;
using VoiceAgents.VoiceHost.Calls;
using static VoiceAgents.Tests.Dialer.DialerSteps;

namespace VoiceAgents.Tests.Telephony;

/// <summary>What media-stream tests do: an agent for phone calls, a call the dialer places, speech at 8 kHz.</summary>
public static class MediaStreamSteps
{
    public const string StoryReply =
        "Once upon a time there was a small lighthouse on a rocky island. Every night its keeper climbed the long stairs. " +
        "He polished the great lamp until it shone across the dark water. Ships far away saw the light and found their way home.";

    /// <param name="speechInterrupts">The agent stops for any speech over it, not only for words that are no backchannel.</param>
    public static async Task<(TenantSession Tenant, string AgentId)> AgentAsync(TelephonyFixture f, string label = "phone", bool speechInterrupts = false)
    {
        var tenant = await f.Api.SignupAsync(label);
        return (tenant, await tenant.AddAgentAsync(AgentSetup.Offline("Phone booker", new
        {
            rules = new[]
            {
                new { match = "table two", reply = "Certainly. For what time would you like the table?", hang_up = false },
                new { match = "story", reply = StoryReply, hang_up = false },
            },
            interruption = speechInterrupts ? new { backchannels = Array.Empty<string>() } : null,
        })));
    }

    /// <summary>The dialer places a call; Twilio fetches its TwiML; the stream's parameters come back.</summary>
    public static async Task<(string CampaignId, PlacedCall Call, Dictionary<string, string> Parameters)> DialAsync(TelephonyFixture f, TenantSession tenant, string agentId)
    {
        var numbers = Numbers(1);
        var campaign = await RunningCampaignAsync(tenant, agentId, numbers);
        await Dispatcher(f, new FakeTimeProvider(DateTimeOffset.UtcNow)).DispatchAsync(CancellationToken.None, tenant.TenantId);
        var call = Assert.Single(PlacedTo(f, numbers));
        var url = call.Form["Url"];
        using var http = new HttpClient();
        var response = await TwilioLoopback.PostWebhookAsync(http, new Uri(f.Api.BaseAddress, url[(TelephonyFixture.PublicBaseUrl.Length + 5)..]), url,
            new Dictionary<string, string> { ["CallSid"] = call.Sid, ["From"] = call.From, ["To"] = call.To, ["CallStatus"] = "in-progress", ["AccountSid"] = TwilioLoopback.AccountSid });
        var stream = XDocument.Parse(await response.Content.ReadAsStringAsync()).Root!.Element("Connect")!.Element("Stream")!;
        return (campaign, call, stream.Elements("Parameter").ToDictionary(p => p.Attribute("name")!.Value, p => p.Attribute("value")!.Value));
    }

    public static async Task<short[]> SpeakAt8kAsync(string text)
    {
        var (samples, rate) = Wav.Read(await VoiceFixture.SpeakAsync(text));
        var resampler = new Resampler(rate, MediaStreamClient.Rate);
        var output = new short[resampler.MaxOutputLength(samples.Length)];
        var n = resampler.Process(samples, output);
        return output[..n];
    }
}
