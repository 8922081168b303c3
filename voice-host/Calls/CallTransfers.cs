using System.Net.Http.Headers;
using System.Security;
using System.Text;
using Microsoft.Extensions.Options;
using VoiceAgents.Core.Domain;
using VoiceAgents.Core.Telephony;
using VoiceAgents.VoiceHost.Processors;

namespace VoiceAgents.VoiceHost.Calls;

/// <summary>
/// Hands a live phone call to a transfer destination through Twilio's REST API, "update a call": <c>POST
/// /2010-04-01/Accounts/{AccountSid}/Calls/{CallSid}.json</c> with new TwiML, <c>&lt;Dial&gt;</c> to the destination
/// (a cold transfer; Twilio ends the media stream). A thin client on purpose: voice-host does not carry the Twilio SDK
/// for one request (docs/architecture.md).
/// </summary>
public sealed partial class CallTransfers(IHttpClientFactory http, IOptions<TwilioOptions> twilio, ILogger<CallTransfers> log)
{
    public const string HttpClientName = "twilio";

    /// <summary>Whether a phone call can be redirected at all: the Twilio account is configured.</summary>
    public bool Configured => twilio.Value.Configured;

    /// <summary>The TwiML that dials the destination.</summary>
    public static string DialTwiml(TransferDestination destination) =>
        $"<Response><Dial>{SecurityElement.Escape(destination.PhoneNumber)}</Dial></Response>";

    /// <summary>Redirects the call; false (and a warning) when Twilio refused it or could not be reached.</summary>
    public async Task<bool> RedirectAsync(CallContext call, string callSid, TransferDestination destination, CancellationToken ct)
    {
        var o = twilio.Value;
        if (!o.Configured)
        {
            LogFailed(call.CallId, destination.Name, "Twilio is not configured");
            return false;
        }
        using var request = new HttpRequestMessage(HttpMethod.Post,
            $"{o.ApiBaseUrl.TrimEnd('/')}/2010-04-01/Accounts/{Uri.EscapeDataString(o.AccountSid)}/Calls/{Uri.EscapeDataString(callSid)}.json")
        {
            Content = new FormUrlEncodedContent([new("Twiml", DialTwiml(destination))]),
        };
        request.Headers.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{o.AccountSid}:{o.AuthToken}")));
        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
            timeout.CancelAfter(TimeSpan.FromSeconds(10));
            using var response = await http.CreateClient(HttpClientName).SendAsync(request, timeout.Token);
            if (response.IsSuccessStatusCode)
            {
                LogTransferred(call.CallId, destination.Name);
                return true;
            }
            LogFailed(call.CallId, destination.Name, $"{(int)response.StatusCode} {await response.Content.ReadAsStringAsync(CancellationToken.None)}");
            return false;
        }
        catch (Exception e) when (e is HttpRequestException or OperationCanceledException)
        {
            LogFailed(call.CallId, destination.Name, e.Message);
            return false;
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Call {CallId} transferred to {Destination}")]
    private partial void LogTransferred(string callId, string destination);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Call {CallId} could not be transferred to {Destination}: {Reason}")]
    private partial void LogFailed(string callId, string destination, string reason);
}
