using System.Text;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Net.Http.Headers;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using MongoDB.Driver;
using Twilio.TwiML;
using VoiceAgents.Core.Data;
using VoiceAgents.Core.Domain;
using VoiceAgents.Core.Errors;
using VoiceAgents.Core.Telephony;

namespace VoiceAgents.Functions.Dialer;

/// <summary>
/// What Twilio asks of the app: the answer webhook (TwiML that streams the call to voice-host, or handles an
/// answering machine) and the status callback (the attempt's outcome). Both are signed by Twilio with the auth token
/// of the account the call is on, the platform's or the tenant's own (<see cref="TelephonyAccounts"/>); a request
/// without a valid <c>X-Twilio-Signature</c> from one of the two is refused with 403.
/// </summary>
public sealed partial class TwilioWebhooks(
    MongoContext db, ITelephonyProvider telephony, StreamTokens tokens, DialerService dialer, TelephonyAccounts accounts, IOptions<TwilioOptions> options,
    ILogger<TwilioWebhooks> log)
{
    /// <summary>The most of a webhook's body read before its signature is checked; Twilio's forms are a few KiB.</summary>
    public const int MaxFormBytes = 64 * 1024;

    private readonly TwilioOptions _options = options.Value;

    /// <summary>
    /// Reads the form (at most <see cref="MaxFormBytes"/>, else 413 without reading on) and checks its signature over
    /// the public URL Twilio was given, with the token of the account it names (<c>AccountSid</c>), which must be the
    /// platform's or that of the tenant whose call (<c>call_id</c>) or number (<c>To</c>) it is about. A body that is
    /// not a URL-encoded form is not read at all: Twilio sends no other, so its signature fails (403).
    /// </summary>
    public async Task<Dictionary<string, string>> AuthenticateAsync(HttpRequest req, CancellationToken ct)
    {
        var form = IsUrlEncodedForm(req.ContentType) ? await ReadFormAsync(req, ct) : new Dictionary<string, string>(StringComparer.Ordinal);
        var url = $"{_options.PublicBaseUrl.TrimEnd('/')}{req.Path}{req.QueryString}";
        var accountSid = form.GetValueOrDefault("AccountSid");
        var account = await TenantOfAsync(req.Query["call_id"].FirstOrDefault(), form, ct) is { } tenantId
            ? await accounts.ForWebhookAsync(tenantId, accountSid, ct)
            : accounts.Platform is { } platform && platform.AccountSid == accountSid ? platform : null;
        if (account is null || !telephony.ValidateCallback(account, url, form, req.Headers["X-Twilio-Signature"].FirstOrDefault()))
        {
            LogForged(req.Path);
            throw new ForbiddenException("The request does not carry a valid X-Twilio-Signature.");
        }
        return form;
    }

    /// <summary>The tenant a webhook is about, before it is trusted: its call's, else its called number's.</summary>
    private async Task<string?> TenantOfAsync(string? callId, IReadOnlyDictionary<string, string> form, CancellationToken ct)
    {
        if (callId is not null)
        {
            return Ids.IsValid(callId) ? await db.CallLogs.Find(c => c.Id == callId).Project(c => c.TenantId).FirstOrDefaultAsync(ct) : null;
        }
        var to = form.GetValueOrDefault("To");
        return to is null ? null : await db.InboundNumbers.Find(n => n.PhoneNumber == to).Project(n => n.TenantId).FirstOrDefaultAsync(ct);
    }

    private static bool IsUrlEncodedForm(string? contentType) =>
        MediaTypeHeaderValue.TryParse(contentType, out var type)
        && type.MediaType.Equals("application/x-www-form-urlencoded", StringComparison.OrdinalIgnoreCase);

    private static async Task<Dictionary<string, string>> ReadFormAsync(HttpRequest req, CancellationToken ct)
    {
        if (req.ContentLength > MaxFormBytes) throw new PayloadTooLargeException(MaxFormBytes);
        var body = new byte[MaxFormBytes + 1];
        var length = 0;
        int read;
        while (length < body.Length && (read = await req.Body.ReadAsync(body.AsMemory(length), ct)) > 0) length += read;
        if (length > MaxFormBytes) throw new PayloadTooLargeException(MaxFormBytes);

        var form = new Dictionary<string, string>(StringComparer.Ordinal);
        try
        {
            // Twilio sends UTF-8; FormReader's limits (1,024 fields, 2 KiB keys) turn anything stranger into a 400.
            using var reader = new FormReader(Encoding.UTF8.GetString(body, 0, length));
            foreach (var (key, value) in await reader.ReadFormAsync(ct)) form[key] = value.ToString();
        }
        catch (InvalidDataException e)
        {
            throw new ValidationException("$", $"is not a form Twilio would send: {e.Message}");
        }
        return form;
    }

    /// <summary>TwiML for an answered call: outbound calls are found by call_id, inbound ones by the number called.</summary>
    public async Task<string> AnswerAsync(string? callId, IReadOnlyDictionary<string, string> form, CancellationToken ct)
    {
        StreamGrant grant;
        Agent? agent;
        if (callId is not null)
        {
            if (!Ids.IsValid(callId)) throw new ValidationException("call_id", "must be a 24-character hexadecimal id.");
            var call = await db.CallLogs.Find(c => c.Id == callId).FirstOrDefaultAsync(ct) ?? throw new NotFoundException("Call");
            agent = await db.Agents.Find(a => a.Id == call.AgentId && a.TenantId == call.TenantId).FirstOrDefaultAsync(ct);
            if (agent is null) return Say("This call cannot be connected.");
            grant = new StreamGrant(call.Id, call.TenantId, agent.Id, call.CampaignId, call.PhoneNumber, call.Attempt);
            if (form.GetValueOrDefault("AnsweredBy") is { } answeredBy && IsMachine(answeredBy))
            {
                await db.CallLogs.UpdateOneAsync(c => c.Id == callId, Builders<CallLog>.Update.Set(c => c.EndReason, "answering_machine"), cancellationToken: ct);
                var voicemail = agent.Voicemail ?? new VoicemailSettings();
                return voicemail.Action == VoicemailActions.LeaveMessage && !string.IsNullOrWhiteSpace(voicemail.Message)
                    ? Say(voicemail.Message)
                    : Twiml(new VoiceResponse().Hangup());
            }
        }
        else
        {
            var to = form.GetValueOrDefault("To");
            var inbound = to is null ? null : await db.InboundNumbers.Find(n => n.PhoneNumber == to).FirstOrDefaultAsync(ct);
            agent = inbound?.AgentId is not { } agentId ? null : await db.Agents.Find(a => a.Id == agentId && a.TenantId == inbound.TenantId).FirstOrDefaultAsync(ct);
            if (agent is null) return Say("This number is not in service.");
            grant = new StreamGrant(Ids.New(), agent.TenantId, agent.Id, null, form.GetValueOrDefault("From"), 1, inbound!.PhoneNumber);
        }
        return StreamTwiml(_options.MediaStreamUrl, grant, tokens.Create(grant));
    }

    /// <summary><c>&lt;Connect&gt;&lt;Stream&gt;</c> to voice-host, carrying the call, agent, tenant and the signed token.</summary>
    public static string StreamTwiml(string streamUrl, StreamGrant grant, string token)
    {
        var stream = new Twilio.TwiML.Voice.Stream(url: streamUrl)
            .Parameter(name: "call_id", value: grant.CallId)
            .Parameter(name: "agent_id", value: grant.AgentId)
            .Parameter(name: "tenant_id", value: grant.TenantId)
            .Parameter(name: "token", value: token);
        return Twiml(new VoiceResponse().Append(new Twilio.TwiML.Voice.Connect().Append(stream)));
    }

    private static string Say(string text) => Twiml(new VoiceResponse().Say(text).Hangup());

    private static string Twiml(VoiceResponse response) => response.ToString(System.Xml.Linq.SaveOptions.DisableFormatting);

    private static bool IsMachine(string answeredBy) => answeredBy.StartsWith("machine", StringComparison.Ordinal) || answeredBy == "fax";

    /// <summary>A status callback: answered extends the claim; a final status ends the attempt (and retries or finishes the number).</summary>
    public async Task StatusAsync(string? callId, IReadOnlyDictionary<string, string> form, CancellationToken ct)
    {
        if (callId is null || !Ids.IsValid(callId)) return;
        var status = form.GetValueOrDefault("CallStatus");
        LogStatus(callId, status ?? "(none)");
        switch (status)
        {
            case "in-progress" or "answered":
                await dialer.AnsweredAsync(callId, ct);
                break;
            case "completed":
                var machine = form.GetValueOrDefault("AnsweredBy") is { } by && IsMachine(by);
                await dialer.FinishAttemptAsync(callId, machine ? CallOutcomes.Machine : CallOutcomes.Completed, machine ? "answering_machine" : "completed", ct);
                break;
            case "busy":
                await dialer.FinishAttemptAsync(callId, CallOutcomes.Busy, "busy", ct);
                break;
            case "no-answer":
                await dialer.FinishAttemptAsync(callId, CallOutcomes.NoAnswer, "no_answer", ct);
                break;
            case "failed" or "canceled":
                await dialer.FinishAttemptAsync(callId, CallOutcomes.Failed, status, ct);
                break;
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Refused a Twilio webhook to {Path} without a valid signature")]
    private partial void LogForged(string path);

    [LoggerMessage(Level = LogLevel.Information, Message = "Twilio status of call {CallId}: {Status}")]
    private partial void LogStatus(string callId, string status);
}
