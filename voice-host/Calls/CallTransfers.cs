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
/// (a cold transfer; Twilio ends the media stream), on the account the call is on: the platform's or the tenant's own
/// (<see cref="TelephonyAccounts"/>). A thin client on purpose: voice-host does not carry the Twilio SDK for one
/// request (docs/architecture.md).
/// </summary>
public sealed partial class CallTransfers(IHttpClientFactory http, IOptions<TwilioOptions> twilio, TelephonyAccounts accounts, ILogger<CallTransfers> log)
{
    public const string HttpClientName = "twilio";

    /// <summary>The TwiML that dials the destination.</summary>
    public static string DialTwiml(TransferDestination destination) =>
        $"<Response><Dial>{SecurityElement.Escape(destination.PhoneNumber)}</Dial></Response>";

    /// <summary>Redirects the call; false (and a warning) when Twilio refused it or could not be reached.</summary>
    public async Task<bool> RedirectAsync(CallContext call, string callSid, TransferDestination destination, CancellationToken ct)
    {
        var account = await accounts.ForCallAsync(call.TenantId, call.ProviderAccountId, ct);
        if (account is null)
        {
            LogFailed(call.CallId, destination.Name, "no Twilio account for the call (the platform's is not configured or not allowed, and the tenant stored none)");
            return false;
        }
        using var request = new HttpRequestMessage(HttpMethod.Post,
            $"{twilio.Value.ApiBaseUrl.TrimEnd('/')}/2010-04-01/Accounts/{Uri.EscapeDataString(account.AccountSid)}/Calls/{Uri.EscapeDataString(callSid)}.json")
        {
            Content = new FormUrlEncodedContent([new("Twiml", DialTwiml(destination))]),
        };
        request.Headers.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{account.AccountSid}:{account.AuthToken}")));
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
