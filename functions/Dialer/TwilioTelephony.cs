using Microsoft.Extensions.Options;
using Twilio.Clients;
using Twilio.Exceptions;
using Twilio.Http;
using Twilio.Rest.Api.V2010.Account;
using Twilio.Security;
using Twilio.Types;
using VoiceAgents.Core.Telephony;

namespace VoiceAgents.Functions.Dialer;

/// <summary>
/// Twilio through its SDK: <c>POST /2010-04-01/Accounts/{sid}/Calls.json</c> and <c>X-Twilio-Signature</c>, on the
/// account of the call (the platform's or the tenant's own, <see cref="TelephonyAccounts"/>). A REST client per call is a
/// pair of strings over the one shared HttpClient.
/// </summary>
public sealed class TwilioTelephony : ITelephonyProvider, IDisposable
{
    private static readonly List<string> StatusEvents = ["initiated", "ringing", "answered", "completed"];
    private readonly TwilioOptions _options;
    private readonly System.Net.Http.HttpClient _http;

    public TwilioTelephony(IOptions<TwilioOptions> options)
    {
        _options = options.Value;
        _http = new System.Net.Http.HttpClient(new BaseAddressHandler(new Uri(_options.ApiBaseUrl)) { InnerHandler = new System.Net.Http.SocketsHttpHandler() })
        {
            Timeout = TimeSpan.FromSeconds(15),
        };
    }

    public string Name => "twilio";

    public bool CanPlaceCalls => _options.PublicBaseUrl.Length > 0 && _options.MediaStreamUrl.Length > 0;

    public async Task<string> PlaceCallAsync(OutboundCall call, CancellationToken ct)
    {
        var create = new CreateCallOptions(new PhoneNumber(call.To), new PhoneNumber(call.From))
        {
            Url = call.AnswerUrl,
            Method = Twilio.Http.HttpMethod.Post,
            StatusCallback = call.StatusCallbackUrl,
            StatusCallbackMethod = Twilio.Http.HttpMethod.Post,
            StatusCallbackEvent = StatusEvents,
        };
        if (call.MachineDetection) create.MachineDetection = call.WaitForBeep ? "DetectMessageEnd" : "Enable";
        try
        {
            // The SDK takes no token; a call that is placed cannot be un-placed anyway.
            var client = new TwilioRestClient(call.Account.AccountSid, call.Account.AuthToken, httpClient: new SystemNetHttpClient(_http));
            var created = await CallResource.CreateAsync(create, client).WaitAsync(ct);
            return created.Sid ?? throw new TelephonyException("Twilio answered without a call sid.");
        }
        catch (ApiException e)
        {
            throw new TelephonyException($"Twilio refused the call ({e.Status}, code {e.Code}): {e.Message}", e);
        }
        catch (Exception e) when (e is ApiConnectionException or System.Net.Http.HttpRequestException)
        {
            throw new TelephonyException($"Twilio could not be reached: {e.Message}", e);
        }
    }

    public bool ValidateCallback(TelephonyAccount account, string url, IReadOnlyDictionary<string, string> form, string? signature) =>
        !string.IsNullOrEmpty(signature) && account.AuthToken.Length > 0
        && new RequestValidator(account.AuthToken).Validate(url, form.ToDictionary(kv => kv.Key, kv => kv.Value), signature);

    public void Dispose() => _http.Dispose();

    /// <summary>Sends the SDK's requests, which always name api.twilio.com, to the configured base address.</summary>
    private sealed class BaseAddressHandler(Uri baseAddress) : System.Net.Http.DelegatingHandler
    {
        protected override Task<System.Net.Http.HttpResponseMessage> SendAsync(System.Net.Http.HttpRequestMessage request, CancellationToken ct)
        {
            if (request.RequestUri is { } uri && (uri.Scheme != baseAddress.Scheme || uri.Authority != baseAddress.Authority))
            {
                request.RequestUri = new UriBuilder(uri) { Scheme = baseAddress.Scheme, Host = baseAddress.Host, Port = baseAddress.Port }.Uri;
            }
            return base.SendAsync(request, ct);
        }
    }
}
