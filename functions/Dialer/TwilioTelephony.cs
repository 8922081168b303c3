using Microsoft.Extensions.Options;
using Twilio.Clients;
using Twilio.Exceptions;
using Twilio.Http;
using Twilio.Rest.Api.V2010.Account;
using Twilio.Security;
using Twilio.Types;
using VoiceAgents.Core.Telephony;

namespace VoiceAgents.Functions.Dialer;

/// <summary>Twilio through its SDK: <c>POST /2010-04-01/Accounts/{sid}/Calls.json</c> and <c>X-Twilio-Signature</c>.</summary>
public sealed class TwilioTelephony : ITelephonyProvider, IDisposable
{
    private static readonly List<string> StatusEvents = ["initiated", "ringing", "answered", "completed"];
    private readonly TwilioOptions _options;
    private readonly System.Net.Http.HttpClient _http;
    private readonly TwilioRestClient _client;
    private readonly RequestValidator _validator;

    public TwilioTelephony(IOptions<TwilioOptions> options)
    {
        _options = options.Value;
        _http = new System.Net.Http.HttpClient(new BaseAddressHandler(new Uri(_options.ApiBaseUrl)) { InnerHandler = new System.Net.Http.SocketsHttpHandler() })
        {
            Timeout = TimeSpan.FromSeconds(15),
        };
        _client = new TwilioRestClient(_options.AccountSid, _options.AuthToken, httpClient: new SystemNetHttpClient(_http));
        _validator = new RequestValidator(_options.AuthToken);
    }

    public string Name => "twilio";

    public bool CanPlaceCalls => _options.Configured && _options.PublicBaseUrl.Length > 0 && _options.MediaStreamUrl.Length > 0 && _options.FromNumber.Length > 0;

    public async Task<string> PlaceCallAsync(OutboundCall call, CancellationToken ct)
    {
        if (!_options.Configured) throw new TelephonyException("Twilio is not configured (Twilio:AccountSid and Twilio:AuthToken).");
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
            var created = await CallResource.CreateAsync(create, _client).WaitAsync(ct);
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

    public bool ValidateCallback(string url, IReadOnlyDictionary<string, string> form, string? signature) =>
        _options.Configured && !string.IsNullOrEmpty(signature)
        && _validator.Validate(url, form.ToDictionary(kv => kv.Key, kv => kv.Value), signature);

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
