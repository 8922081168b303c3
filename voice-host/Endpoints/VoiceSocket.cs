using System.Buffers;
using System.Net.WebSockets;
using System.Text.Json;
using Microsoft.Extensions.Options;
using VoiceAgents.Core.Calls;
using VoiceAgents.Core.Data;
using VoiceAgents.VoiceHost.Audio;
using VoiceAgents.VoiceHost.Calls;
using VoiceAgents.VoiceHost.Configuration;
using VoiceAgents.VoiceHost.Transport;

namespace VoiceAgents.VoiceHost.Endpoints;

/// <summary>
/// The browser transport at <c>/ws</c>: authenticates the caller, then feeds their audio into a call and sends the
/// call's events and audio back. The protocol is in docs/voice-protocol.md.
/// </summary>
public sealed partial class VoiceSocket(
    CallerAuthenticator callers, CallFactory calls, CallAdmission admission, Readiness readiness, CallVariableSources variableSources,
    IOptions<VoiceOptions> options, ILogger<VoiceSocket> log)
{
    private readonly VoiceOptions _options = options.Value;

    public async Task HandleAsync(HttpContext http)
    {
        if (!http.WebSockets.IsWebSocketRequest)
        {
            http.Response.StatusCode = StatusCodes.Status426UpgradeRequired;
            await http.Response.WriteAsJsonAsync(new { type = "about:blank", title = "Upgrade Required", status = 426, detail = "Connect with a WebSocket." });
            return;
        }
        if (!readiness.CanTakeCalls)
        {
            http.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
            http.Response.Headers.RetryAfter = "5";
            var detail = readiness.Draining ? "voice-host is shutting down; try again." : "voice-host is not accepting calls right now.";
            await http.Response.WriteAsJsonAsync(new { type = "about:blank", title = "Service Unavailable", status = 503, detail });
            return;
        }
        using var socket = await http.WebSockets.AcceptWebSocketAsync();
        using var reader = new WebSocketMessageReader(socket, _options.MaxMessageBytes);
        try
        {
            var auth = await AuthenticateAsync(socket, reader, http.Request.Headers.Origin.ToString(), http.RequestAborted);
            if (auth is null) return;
            if (readiness.Draining)
            {
                // The instance began draining while this caller authenticated: 1013 tells the client to retry elsewhere.
                await CloseAsync(socket, CloseCodes.TryAgainLater, "voice-host is shutting down; try again");
                return;
            }
            var (request, grant) = auth.Value;
            // The contact's variables first, so the auth message's (or the call token's) own win.
            var contact = await variableSources.CampaignContactAsync(grant.TenantId, request.CampaignId, request.PhoneNumber, http.RequestAborted);
            var variables = CallVariables.Merge(contact, grant.Variables);
            if (CallVariables.Problem(variables) is { } tooMany)
            {
                await CloseAsync(socket, CloseCodes.BadMessage, $"variables: {tooMany}");
                return;
            }
            var start = new CallStart(Ids.New(), grant.TenantId, request.SampleRate, request.CampaignId, request.PhoneNumber, Variables: variables);
            // Declared before the call, so the call's places are given back after its hand-off (disposal runs in reverse order).
            await using var admitted = await admission.AdmitAsync(start.TenantId, start.CallId!, takeTenantSlot: true, http.RequestAborted);
            if (admitted.Refusal is { } refusal)
            {
                LogRefused(grant.TenantId, refusal);
                await CloseAsync(socket, CloseCodes.TryAgainLater, refusal);
                return;
            }
            await using var call = await calls.StartAsync(start, grant.Agent, new SocketWriter(socket, _options.SocketQueue), http.RequestAborted);
            admitted.Attach(call);
            await ReceiveAsync(reader, call, request.SampleRate);
        }
        catch (Exception e) when (e is WebSocketException or OperationCanceledException)
        {
            LogDisconnected(e.Message);
        }
    }

    /// <summary>
    /// Reads the auth message within the time allowed (else 4401) and has <see cref="CallerAuthenticator"/> check its
    /// credential, closing with the code and reason it gives when it refuses.
    /// </summary>
    private async Task<(AuthRequest Request, CallerGrant Grant)?> AuthenticateAsync(WebSocket socket, WebSocketMessageReader reader, string? origin, CancellationToken aborted)
    {
        // Cancelling a pending WebSocket receive aborts the socket, so the deadline races the read instead:
        // then the caller still gets a proper close frame with the code and reason.
        var read = reader.ReadAsync(aborted);
        if (await Task.WhenAny(read, Task.Delay(_options.AuthTimeout, aborted)) != read)
        {
            await CloseAsync(socket, CloseCodes.Unauthorized, "no auth message within the time allowed");
            return null;
        }
        var kind = await read;
        if (kind == WebSocketMessageKind.TooBig)
        {
            await CloseAsync(socket, CloseCodes.MessageTooBig, $"messages must not exceed {_options.MaxMessageBytes} bytes");
            return null;
        }
        if (kind != WebSocketMessageKind.Text)
        {
            await CloseAsync(socket, CloseCodes.Unauthorized, kind == WebSocketMessageKind.Binary ? "audio before auth" : "auth required");
            return null;
        }
        var auth = AuthRequest.Read(reader.Message.Span, out var notAuth, out var problem);
        if (auth is null)
        {
            await CloseAsync(socket, CloseCodes.Unauthorized, notAuth);
            return null;
        }
        var check = await callers.CheckAsync(auth, problem, origin, aborted);
        if (check.Grant is null)
        {
            await CloseAsync(socket, check.Code, check.Reason!);
            return null;
        }
        return (auth, check.Grant);
    }

    private async Task ReceiveAsync(WebSocketMessageReader reader, Call call, int rate)
    {
        var lastMessage = Environment.TickCount64;
        using var idleWatch = new Timer(_ =>
        {
            if (Environment.TickCount64 - Volatile.Read(ref lastMessage) > (long)_options.IdleTimeout.TotalMilliseconds) call.Finish("idle_timeout");
        }, null, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(1));
        while (!call.Ended.IsCompleted)
        {
            var read = reader.ReadAsync(CancellationToken.None);
            if (await Task.WhenAny(read, call.Ended) != read)
            {
                // The call ended (hang-up, limit, idle); the pending read completes when the socket closes.
                _ = read.ContinueWith(static t => t.Exception, TaskScheduler.Default);
                return;
            }
            var kind = await read;
            Volatile.Write(ref lastMessage, Environment.TickCount64);
            var message = reader.Message;
            switch (kind)
            {
                case WebSocketMessageKind.Binary:
                    if (message.Length % 2 != 0)
                    {
                        await call.FailAsync(CloseCodes.BadMessage, "audio must be PCM16: an even number of bytes");
                        return;
                    }
                    if (!await call.PushAudioAsync(AudioChunk.FromBytes(message.Span, rate))) return;
                    break;
                case WebSocketMessageKind.Text:
                    if (!await HandleTextAsync(message.ToArray(), call, rate)) return;
                    break;
                case WebSocketMessageKind.TooBig:
                    await call.FailAsync(CloseCodes.MessageTooBig, $"messages must not exceed {_options.MaxMessageBytes} bytes");
                    return;
                case WebSocketMessageKind.Close:
                    await call.EndAsync("caller_hung_up");
                    return;
            }
        }
    }

    private static async Task<bool> HandleTextAsync(byte[] json, Call call, int rate)
    {
        ClientMessage? m;
        try
        {
            m = JsonSerializer.Deserialize<ClientMessage>(json, Core.Json.JsonDefaults.Options);
        }
        catch (JsonException)
        {
            m = null;
        }
        switch (m?.Type)
        {
            case "audio" when m.Data is { } data:
                byte[] bytes;
                try
                {
                    bytes = Convert.FromBase64String(data);
                }
                catch (FormatException)
                {
                    await call.FailAsync(CloseCodes.BadMessage, "audio data must be base64 PCM16");
                    return false;
                }
                if (bytes.Length % 2 != 0)
                {
                    await call.FailAsync(CloseCodes.BadMessage, "audio must be PCM16: an even number of bytes");
                    return false;
                }
                return await call.PushAudioAsync(AudioChunk.FromBytes(bytes, rate));
            case "end":
                await call.EndAsync("caller_ended");
                return false;
            case "ping":
                return true;
            default:
                await call.FailAsync(CloseCodes.BadMessage, "unknown or malformed message");
                return false;
        }
    }

    private static Task CloseAsync(WebSocket socket, int code, string reason) => WebSocketClose.SendAsync(socket, code, reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "Caller disconnected: {Reason}")]
    private partial void LogDisconnected(string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Refused a call of tenant {TenantId}: {Reason}")]
    private partial void LogRefused(string tenantId, string reason);
}
