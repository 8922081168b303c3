using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Azure.Functions.Worker;
using VoiceAgents.Functions.OpenApi;

namespace VoiceAgents.Functions.Dialer;

/// <summary>Twilio's webhooks. Anonymous to the API's JWT auth: Twilio signs each request instead.</summary>
[AllowAnonymous]
public sealed class TwilioFunctions(TwilioWebhooks webhooks)
{
    [Function("TwilioVoice")]
    [OpenApiOperation("telephony", "Twilio's answer webhook: TwiML that streams the call to voice-host (outbound by call_id, inbound by the number called)", null, null, QueryParameters = ["call_id:id:the dialer's call, absent for inbound calls"],
        Errors = ["403:No valid X-Twilio-Signature", "413:The form is larger than 64 KiB"])]
    public async Task<ContentHttpResult> Voice(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "twilio/voice")] HttpRequest req, CancellationToken ct)
    {
        var form = await webhooks.AuthenticateAsync(req, ct);
        return TypedResults.Text(await webhooks.AnswerAsync(req.Query["call_id"].FirstOrDefault(), form, ct), "text/xml");
    }

    [Function("TwilioStatus")]
    [OpenApiOperation("telephony", "Twilio's status callback: the outcome of a placed call", null, null, 204, QueryParameters = ["call_id:id:the dialer's call"],
        Errors = ["403:No valid X-Twilio-Signature", "413:The form is larger than 64 KiB"])]
    public async Task<NoContent> Status(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "twilio/status")] HttpRequest req, CancellationToken ct)
    {
        var form = await webhooks.AuthenticateAsync(req, ct);
        await webhooks.StatusAsync(req.Query["call_id"].FirstOrDefault(), form, ct);
        return TypedResults.NoContent();
    }
}
