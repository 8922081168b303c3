using System.Collections.Concurrent;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace VoiceAgents.Tests.Telephony;

/// <summary>An "update a call" request as Twilio's REST API received it (new TwiML for a live call: a transfer).</summary>
public sealed record UpdatedCall(string Sid, IReadOnlyDictionary<string, string> Form, DateTime At, string AccountSid = TwilioLoopback.AccountSid);

/// <summary>A call as Twilio's REST API received it.</summary>
public sealed record PlacedCall(string Sid, string To, string From, IReadOnlyDictionary<string, string> Form, DateTime At, string AccountSid = TwilioLoopback.AccountSid);

/// <summary>
/// Twilio's REST API for calls on 127.0.0.1, as documented: <c>POST /2010-04-01/Accounts/{AccountSid}/Calls.json</c>
/// with HTTP Basic auth (account sid and auth token) and a form body (<c>To</c>, <c>From</c>, <c>Url</c> or
/// <c>Twiml</c>, <c>StatusCallback</c>, <c>StatusCallbackEvent</c>, <c>MachineDetection</c>, ...), answering
/// <c>201</c> with the call resource as JSON, or an error object (<c>code</c>, <c>message</c>, <c>more_info</c>,
/// <c>status</c>). Also signs webhooks the way Twilio does, so tests can play Twilio calling back.
/// Shared by the tests and bench/Dialer.
/// </summary>
public sealed class TwilioLoopback : IAsyncDisposable
{
    public const string AccountSid = "AC0123456789abcdef0123456789abcdef";
    public const string AuthToken = "0123456789abcdef0123456789abcdef";

    private readonly WebApplication _app;
    private readonly ConcurrentQueue<PlacedCall> _calls = new();
    private readonly ConcurrentQueue<UpdatedCall> _updates = new();
    private readonly ConcurrentDictionary<string, string> _accounts = new() { [AccountSid] = AuthToken };
    private int _requests;

    private TwilioLoopback(WebApplication app) => _app = app;

    public Uri BaseUri { get; private set; } = default!;
    public IReadOnlyList<PlacedCall> Calls => _calls.ToArray();
    public IReadOnlyList<UpdatedCall> Updates => _updates.ToArray();
    public int Requests => Volatile.Read(ref _requests);

    /// <summary>Numbers for which Twilio refuses the call (400, code 21211 "invalid To number").</summary>
    public ConcurrentDictionary<string, bool> Refused { get; } = new();

    public static async Task<TwilioLoopback> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var server = new TwilioLoopback(app);
        app.MapPost("/2010-04-01/Accounts/{sid}/Calls.json", server.CreateCallAsync);
        app.MapPost("/2010-04-01/Accounts/{sid}/Calls/{callSid}.json", server.UpdateCallAsync);
        app.MapFallback((HttpContext http) => Error(http, 404, 20404, "The requested resource was not found"));
        await app.StartAsync();
        server.BaseUri = new Uri(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First().TrimEnd('/') + "/");
        return server;
    }

    /// <summary>Another account (a tenant's subaccount) whose sid and token the API accepts.</summary>
    public void AddAccount(string accountSid, string authToken) => _accounts[accountSid] = authToken;

    public void Clear()
    {
        _calls.Clear();
        Interlocked.Exchange(ref _requests, 0);
    }

    /// <summary>
    /// Counts the request, checks Basic auth for the account and reads the form body, as Twilio's REST API does;
    /// null after answering 401 or 400.
    /// </summary>
    private async Task<Dictionary<string, string>?> AuthenticatedFormAsync(HttpContext http, string sid)
    {
        Interlocked.Increment(ref _requests);
        var expected = _accounts.TryGetValue(sid, out var token) ? "Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes($"{sid}:{token}")) : null;
        if (expected is null || http.Request.Headers.Authorization != expected)
        {
            await Error(http, 401, 20003, "Authenticate");
            return null;
        }
        if (!http.Request.HasFormContentType)
        {
            await Error(http, 400, 20001, "Expected a form body");
            return null;
        }
        return (await http.Request.ReadFormAsync()).ToDictionary(kv => kv.Key, kv => kv.Value.ToString());
    }

    private async Task CreateCallAsync(HttpContext http, string sid)
    {
        if (await AuthenticatedFormAsync(http, sid) is not { } form) return;
        var to = form.GetValueOrDefault("To");
        var from = form.GetValueOrDefault("From");
        if (string.IsNullOrEmpty(to))
        {
            await Error(http, 400, 21201, "No 'To' number is specified");
            return;
        }
        if (string.IsNullOrEmpty(from))
        {
            await Error(http, 400, 21213, "No 'From' number is specified");
            return;
        }
        if (!form.ContainsKey("Url") && !form.ContainsKey("Twiml") && !form.ContainsKey("ApplicationSid"))
        {
            await Error(http, 400, 21205, "Url parameter is required");
            return;
        }
        if (Refused.ContainsKey(to))
        {
            await Error(http, 400, 21211, $"The 'To' number {to} is not a valid phone number.");
            return;
        }
        var callSid = "CA" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));
        var now = DateTime.UtcNow;
        _calls.Enqueue(new PlacedCall(callSid, to, from, form, now, sid));
        http.Response.StatusCode = 201;
        http.Response.ContentType = "application/json";
        await http.Response.WriteAsync(JsonSerializer.Serialize(new Dictionary<string, object?>
        {
            ["sid"] = callSid,
            ["account_sid"] = sid,
            ["to"] = to,
            ["to_formatted"] = to,
            ["from"] = from,
            ["from_formatted"] = from,
            ["status"] = "queued",
            ["direction"] = "outbound-api",
            ["api_version"] = "2010-04-01",
            ["date_created"] = now.ToString("R"),
            ["date_updated"] = now.ToString("R"),
            ["start_time"] = null,
            ["end_time"] = null,
            ["duration"] = null,
            ["price"] = null,
            ["answered_by"] = null,
            ["uri"] = $"/2010-04-01/Accounts/{sid}/Calls/{callSid}.json",
            ["subresource_uris"] = new Dictionary<string, string>
            {
                ["recordings"] = $"/2010-04-01/Accounts/{sid}/Calls/{callSid}/Recordings.json",
            },
        }));
    }

    /// <summary>
    /// "Update a call": <c>POST /2010-04-01/Accounts/{AccountSid}/Calls/{CallSid}.json</c> with <c>Twiml</c>,
    /// <c>Url</c> or <c>Status</c>; 200 with the call resource.
    /// </summary>
    private async Task UpdateCallAsync(HttpContext http, string sid, string callSid)
    {
        if (await AuthenticatedFormAsync(http, sid) is not { } form) return;
        if (!form.ContainsKey("Twiml") && !form.ContainsKey("Url") && !form.ContainsKey("Status"))
        {
            await Error(http, 400, 21205, "Url, Twiml or Status is required");
            return;
        }
        _updates.Enqueue(new UpdatedCall(callSid, form, DateTime.UtcNow, sid));
        http.Response.ContentType = "application/json";
        await http.Response.WriteAsync(JsonSerializer.Serialize(new Dictionary<string, object?>
        {
            ["sid"] = callSid,
            ["account_sid"] = sid,
            ["status"] = "in-progress",
            ["api_version"] = "2010-04-01",
            ["uri"] = $"/2010-04-01/Accounts/{sid}/Calls/{callSid}.json",
        }));
    }

    private static Task Error(HttpContext http, int status, int code, string message)
    {
        http.Response.StatusCode = status;
        http.Response.ContentType = "application/json";
        return http.Response.WriteAsync(JsonSerializer.Serialize(new { code, message, more_info = $"https://www.twilio.com/docs/errors/{code}", status }));
    }

    /// <summary>
    /// Twilio's <c>X-Twilio-Signature</c>: HMAC-SHA1 with the auth token over the full URL followed by every POST
    /// parameter's name and value, sorted by name, base64-encoded.
    /// </summary>
    public static string Sign(string url, IReadOnlyDictionary<string, string> form, string authToken = AuthToken)
    {
        var data = new StringBuilder(url);
        foreach (var (key, value) in form.OrderBy(kv => kv.Key, StringComparer.Ordinal)) data.Append(key).Append(value);
        return Convert.ToBase64String(HMACSHA1.HashData(Encoding.UTF8.GetBytes(authToken), Encoding.UTF8.GetBytes(data.ToString())));
    }

    /// <summary>
    /// POSTs a webhook as Twilio would: to <paramref name="target"/>, signed for the public <paramref name="publicUrl"/>
    /// (or with the given signature; an empty one sends none).
    /// </summary>
    /// <summary>The form of Twilio's answer webhook for an inbound call to <paramref name="to"/>.</summary>
    public static Dictionary<string, string> InboundCallForm(string to, string from = "+442071838750") => new()
    {
        ["AccountSid"] = AccountSid, ["CallSid"] = "CA" + Guid.NewGuid().ToString("N"), ["From"] = from, ["To"] = to,
        ["Direction"] = "inbound", ["CallStatus"] = "ringing",
    };

    public static async Task<HttpResponseMessage> PostWebhookAsync(HttpClient http, Uri target, string publicUrl, IReadOnlyDictionary<string, string> form, string? signature = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, target) { Content = new FormUrlEncodedContent(form) };
        var sig = signature ?? Sign(publicUrl, form);
        if (sig.Length > 0) request.Headers.TryAddWithoutValidation("X-Twilio-Signature", sig);
        request.Headers.UserAgent.Add(new ProductInfoHeaderValue("TwilioProxy", "1.1"));
        return await http.SendAsync(request);
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
