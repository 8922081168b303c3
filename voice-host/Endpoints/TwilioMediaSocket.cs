using System.Buffers;
using System.Collections.Concurrent;
using System.Globalization;
using System.Net.WebSockets;
using System.Text.Json.Serialization;
using System.Text.Json;
using System.Threading.Channels;
using Microsoft.Extensions.Options;
using MongoDB.Driver;
using VoiceAgents.Core.Data;
using VoiceAgents.Core.Domain;
using VoiceAgents.Core.Telephony;
using VoiceAgents.VoiceHost.Audio;
using VoiceAgents.VoiceHost.Calls;
using VoiceAgents.VoiceHost.Configuration;
using VoiceAgents.VoiceHost.Transport;

namespace VoiceAgents.VoiceHost.Endpoints;

/// <summary>
/// The telephony transport at <c>/twilio</c>, speaking Twilio Media Streams (bidirectional, from
/// <c>&lt;Connect&gt;&lt;Stream&gt;</c>): <c>connected</c>, then <c>start</c> whose <c>customParameters</c> carry the
/// call, agent, tenant and the signed stream token the TwiML was given; then <c>media</c> (base64 μ-law at 8 kHz),
/// <c>mark</c>, <c>dtmf</c> (a key the caller pressed) and finally <c>stop</c>. The same pipeline as a browser call
/// answers; replies go back as <c>media</c>, each chunk followed by a <c>mark</c> whose echo says it was played, and a
/// barge-in sends <c>clear</c>.
/// </summary>
public sealed partial class TwilioMediaSocket(
    StreamTokens tokens, AgentConfigurations agents, CallFactory calls, CallAdmission admission, Readiness readiness, CallVariableSources variableSources,
    IOptions<VoiceOptions> options, ILogger<TwilioMediaSocket> log)
{
    public const int SampleRate = 8000;
    private readonly VoiceOptions _options = options.Value;
    private readonly ConcurrentDictionary<string, byte> _live = new();

    public async Task HandleAsync(HttpContext http)
    {
        if (!http.WebSockets.IsWebSocketRequest)
        {
            http.Response.StatusCode = StatusCodes.Status426UpgradeRequired;
            return;
        }
        if (!readiness.CanTakeCalls)
        {
            http.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
            return;
        }
        using var socket = await http.WebSockets.AcceptWebSocketAsync();
        using var reader = new WebSocketMessageReader(socket, _options.MaxMessageBytes);
        string? callId = null;
        try
        {
            var started = await StartAsync(socket, reader, http.RequestAborted);
            if (started is null) return;
            var (start, grant, agent) = started.Value;
            if (!_live.TryAdd(grant.CallId, 0))
            {
                await WebSocketClose.SendAsync(socket, (int)WebSocketCloseStatus.PolicyViolation, "this call is already streaming");
                return;
            }
            callId = grant.CallId;
            // The dialer took the tenant's slot when it placed a campaign call (and gives it back on Twilio's status
            // callback); an inbound call takes one here. Declared before the call, so it is given back after the hand-off.
            await using var admitted = await admission.AdmitAsync(grant.TenantId, grant.CallId, takeTenantSlot: grant.CampaignId is null, http.RequestAborted);
            if (admitted.Refusal is { } refusal)
            {
                LogRefusedCall(grant.CallId, refusal);
                await WebSocketClose.SendAsync(socket, CloseCodes.TryAgainLater, refusal);
                return;
            }
            var writer = new TwilioMediaWriter(socket, start.StreamSid!, _options.SocketQueue);
            var variables = grant.CampaignId is not null
                ? await variableSources.CampaignContactAsync(grant.TenantId, grant.CampaignId, grant.PhoneNumber, http.RequestAborted)
                : await variableSources.InboundNumberAsync(grant.TenantId, grant.CalledNumber, http.RequestAborted);
            Call begun;
            try
            {
                begun = await calls.StartAsync(
                    new CallStart(grant.CallId, grant.TenantId, SampleRate, grant.CampaignId, grant.PhoneNumber, grant.Attempt, variables, start.CallSid, CallStart.TwilioTransport, start.AccountSid),
                    agent, writer, http.RequestAborted);
            }
            catch (CallRefusedException refused)
            {
                LogRefusedCall(grant.CallId, refused.Reason);
                await WebSocketClose.SendAsync(socket, (int)WebSocketCloseStatus.PolicyViolation, refused.Reason);
                return;
            }
            await using var call = begun;
            admitted.Attach(call);
            LogStarted(grant.CallId, start.CallSid ?? "", start.StreamSid!);
            await ReceiveAsync(reader, call, writer);
        }
        catch (Exception e) when (e is WebSocketException or OperationCanceledException)
        {
            LogDisconnected(e.Message);
        }
        finally
        {
            if (callId is not null) _live.TryRemove(callId, out _);
        }
    }

    /// <summary>Reads up to <c>start</c> and checks its token: signed with the API's key, and naming the same call, agent and tenant.</summary>
    private async Task<(StartInfo Start, StreamGrant Grant, Agent Agent)?> StartAsync(WebSocket socket, WebSocketMessageReader reader, CancellationToken aborted)
    {
        var until = DateTime.UtcNow + _options.AuthTimeout;
        while (true)
        {
            var read = ReadAsync(reader);
            var left = until - DateTime.UtcNow;
            if (left <= TimeSpan.Zero || await Task.WhenAny(read, Task.Delay(left, aborted)) != read)
            {
                await WebSocketClose.SendAsync(socket, (int)WebSocketCloseStatus.PolicyViolation, "no start message within the time allowed");
                return null;
            }
            var (message, tooBig) = await read;
            if (tooBig)
            {
                await WebSocketClose.SendAsync(socket, CloseCodes.MessageTooBig, $"messages must not exceed {_options.MaxMessageBytes} bytes");
                return null;
            }
            if (message is null) return null;
            switch (message.Event)
            {
                case "connected":
                    continue;
                case "start" when message.Start is { StreamSid: not null } start:
                    if (MediaFormatProblem(start.MediaFormat) is { } problem)
                    {
                        await WebSocketClose.SendAsync(socket, CloseCodes.BadMessage, problem);
                        return null;
                    }
                    var p = start.CustomParameters ?? new Dictionary<string, string>();
                    var grant = await tokens.ValidateAsync(p.GetValueOrDefault("token"));
                    if (grant is null || p.GetValueOrDefault("call_id") != grant.CallId || p.GetValueOrDefault("agent_id") != grant.AgentId
                        || p.GetValueOrDefault("tenant_id") != grant.TenantId)
                    {
                        LogRefused(start.CallSid ?? "");
                        await WebSocketClose.SendAsync(socket, (int)WebSocketCloseStatus.PolicyViolation, "invalid or expired stream token");
                        return null;
                    }
                    var agent = await agents.GetAsync(grant.TenantId, grant.AgentId, aborted);
                    if (agent is null)
                    {
                        await WebSocketClose.SendAsync(socket, (int)WebSocketCloseStatus.PolicyViolation, "agent not found for this tenant");
                        return null;
                    }
                    return (start, grant, agent);
                default:
                    await WebSocketClose.SendAsync(socket, (int)WebSocketCloseStatus.PolicyViolation, "expected connected and start first");
                    return null;
            }
        }
    }

    private async Task ReceiveAsync(WebSocketMessageReader reader, Call call, TwilioMediaWriter writer)
    {
        var lastMessage = Environment.TickCount64;
        using var idleWatch = new Timer(_ =>
        {
            if (Environment.TickCount64 - Volatile.Read(ref lastMessage) > (long)_options.IdleTimeout.TotalMilliseconds) call.Finish("idle_timeout");
        }, null, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(1));
        var mulaw = new byte[1024];
        while (!call.Ended.IsCompleted)
        {
            var read = ReadAsync(reader);
            if (await Task.WhenAny(read, call.Ended) != read)
            {
                _ = read.ContinueWith(static t => t.Exception, TaskScheduler.Default);
                return;
            }
            var (message, tooBig) = await read;
            Volatile.Write(ref lastMessage, Environment.TickCount64);
            if (tooBig)
            {
                await call.FailAsync(CloseCodes.MessageTooBig, $"messages must not exceed {_options.MaxMessageBytes} bytes");
                return;
            }
            switch (message?.Event)
            {
                case null or "stop":
                    await call.EndAsync("caller_hung_up");
                    return;
                case "media" when message.Media is { Payload: { } payload } media && media.Track is null or "inbound":
                    if (!Convert.TryFromBase64String(payload, mulaw, out var n))
                    {
                        if (payload.Length / 4 * 3 > mulaw.Length) mulaw = new byte[payload.Length / 4 * 3 + 3];
                        if (!Convert.TryFromBase64String(payload, mulaw, out n))
                        {
                            await call.FailAsync(CloseCodes.BadMessage, "media payload must be base64 μ-law");
                            return;
                        }
                    }
                    var pcm = new short[n];
                    MuLaw.Decode(mulaw.AsSpan(0, n), pcm);
                    if (!await call.PushAudioAsync(new AudioChunk(pcm, SampleRate))) return;
                    break;
                case "dtmf" when message.Dtmf?.Track is null or "inbound_track":
                    if (message.Dtmf?.Digit is not [var digit] || !call.PressKey(digit))
                    {
                        await call.FailAsync(CloseCodes.BadMessage, "dtmf.digit must be one of 0-9, * and #");
                        return;
                    }
                    break;
                case "mark" when message.Mark?.Name is { } name:
                    writer.Played(name);
                    break;
            }
        }
    }

    /// <summary>One whole message as a Media Streams message; null when the socket closed; too big past the size limit.</summary>
    private static async Task<(StreamMessage? Message, bool TooBig)> ReadAsync(WebSocketMessageReader reader)
    {
        switch (await reader.ReadAsync(CancellationToken.None))
        {
            case WebSocketMessageKind.Close:
                return (null, false);
            case WebSocketMessageKind.TooBig:
                return (null, true);
        }
        try
        {
            return (JsonSerializer.Deserialize<StreamMessage>(reader.Message.Span, StreamJson.Options) ?? new StreamMessage(), false);
        }
        catch (JsonException)
        {
            return (new StreamMessage { Event = "invalid" }, false);
        }
    }

    /// <summary>What is wrong with the stream's <c>mediaFormat</c>, if anything: the pipeline takes μ-law at 8 kHz, mono.</summary>
    private static string? MediaFormatProblem(JsonElement? format)
    {
        if (format is not { ValueKind: JsonValueKind.Object } f) return format is null or { ValueKind: JsonValueKind.Null } ? null : "mediaFormat must be an object";
        if (f.TryGetProperty("sampleRate", out var rate) && (rate.ValueKind != JsonValueKind.Number || !rate.TryGetInt32(out var hz) || hz != SampleRate))
        {
            return $"mediaFormat.sampleRate must be the number {SampleRate}";
        }
        if (f.TryGetProperty("encoding", out var encoding) && (encoding.ValueKind != JsonValueKind.String || encoding.GetString() != "audio/x-mulaw"))
        {
            return "mediaFormat.encoding must be audio/x-mulaw";
        }
        if (f.TryGetProperty("channels", out var channels) && (channels.ValueKind != JsonValueKind.Number || !channels.TryGetInt32(out var n) || n != 1))
        {
            return "mediaFormat.channels must be 1";
        }
        return null;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Twilio stream of call {CallId} started (CallSid {CallSid}, stream {StreamSid})")]
    private partial void LogStarted(string callId, string callSid, string streamSid);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Refused a Twilio stream without a valid token (CallSid {CallSid})")]
    private partial void LogRefused(string callSid);

    [LoggerMessage(Level = LogLevel.Information, Message = "Twilio stream disconnected: {Reason}")]
    private partial void LogDisconnected(string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Refused the Twilio stream of call {CallId}: {Reason}")]
    private partial void LogRefusedCall(string callId, string reason);
}
