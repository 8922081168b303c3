using System.Net.WebSockets;
using MongoDB.Bson;
using VoiceAgents.Core.Telephony;
using VoiceAgents.Tests.Infrastructure;

namespace VoiceAgents.Tests.Telephony;

/// <summary>
/// /twilio takes only the short-lived media-stream tokens the TwiML hands out, never an access token: so a member's
/// access token, revoked or not, cannot open a phone call's stream.
/// </summary>
[Collection(TelephonyCollection.Name)]
public sealed class MediaStreamTokenTests(TelephonyFixture f)
{
    [Fact]
    public async Task An_access_token_presented_at_twilio_is_refused_where_a_stream_token_for_the_same_call_is_taken()
    {
        var tenant = await f.Api.SignupAsync("twilio-access");
        var agentId = (await tenant.CreateAgentAsync())["id"]!.GetValue<string>();
        var callId = ObjectId.GenerateNewId().ToString();
        Dictionary<string, string> Parameters(string token) => new() { ["call_id"] = callId, ["tenant_id"] = tenant.TenantId, ["agent_id"] = agentId, ["token"] = token };

        await using (var refused = await MediaStreamClient.ConnectAsync(f.MediaStreamUri))
        {
            await refused.StartAsync(Parameters(tenant.AccessToken));
            await refused.Closed.Task.WaitAsync(TimeSpan.FromSeconds(10));
            Assert.Equal(WebSocketCloseStatus.PolicyViolation, refused.CloseStatus);
            Assert.Empty(refused.Messages("media"));
        }

        // The very same parameters with a stream token: the call starts and the agent's first message plays.
        await using var taken = await MediaStreamClient.ConnectAsync(f.MediaStreamUri);
        await taken.StartAsync(Parameters(f.StreamTokens.Create(new StreamGrant(callId, tenant.TenantId, agentId, null, null, 1))));
        await Eventually.Assert(() => Assert.NotEmpty(taken.Messages("media")), TimeSpan.FromSeconds(20));
        await taken.StopAsync();
        await taken.Closed.Task.WaitAsync(TimeSpan.FromSeconds(10));
    }
}
