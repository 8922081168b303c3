using System.Buffers;
using System.Diagnostics;
using System.IO.Pipelines;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.AspNetCore.WebUtilities;
using VoiceAgents.Functions.Infrastructure;

namespace VoiceAgents.Functions.LocalRunner;

/// <summary>
/// Gives the requests Kestrel refuses before any middleware runs (a request target holding <c>%00</c>, a malformed
/// request line or header, headers that arrive too slowly) a problem body like every other error of the API,
/// instead of Kestrel's empty one. Kestrel has no hook for that response, so this works at the connection: Kestrel
/// reports each refusal on its <c>Microsoft.AspNetCore.Server.Kestrel.BadRequest</c> diagnostic event, before it
/// writes the response and closes the connection; the connection's output then drops what Kestrel writes and sends
/// the problem in its place. HTTP/1.x only (the runner serves nothing else), where that response is the last thing
/// on the connection.
/// </summary>
public static class RejectedRequestProblems
{
    private const string BadRequestEvent = "Microsoft.AspNetCore.Server.Kestrel.BadRequest";
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    /// <summary>Wraps each connection's output; pair with <see cref="Observe"/>.</summary>
    public static ListenOptions UseRejectedRequestProblems(this ListenOptions listen)
    {
        listen.Protocols = HttpProtocols.Http1;
        listen.Use(next => async connection =>
        {
            var rejection = new Rejection();
            var transport = connection.Transport;
            connection.Features.Set(rejection);
            connection.Transport = new DuplexPipe(transport.Input, new ProblemWriter(transport.Output, rejection));
            try
            {
                await next(connection);
            }
            finally
            {
                connection.Transport = transport;
            }
        });
        return listen;
    }

    /// <summary>Follows Kestrel's refusals for the life of the returned subscription.</summary>
    public static IDisposable Observe(DiagnosticListener kestrel) =>
        kestrel.Subscribe(new Observer(), name => name == BadRequestEvent);

    /// <summary>The problem response that replaces Kestrel's, for a refused request whose response had not started.</summary>
    private static byte[] Response(int status, string? detail)
    {
        var problem = new ProblemDetails
        {
            Status = status,
            Title = ReasonPhrases.GetReasonPhrase(status),
            Detail = detail,
            Type = ProblemDetailsMiddleware.TypeFor(status),
        };
        var body = JsonSerializer.SerializeToUtf8Bytes(problem, Json);
        var head = $"HTTP/1.1 {status} {problem.Title}\r\nContent-Type: application/problem+json\r\nContent-Length: {body.Length}\r\nConnection: close\r\n\r\n";
        return [.. Encoding.ASCII.GetBytes(head), .. body];
    }

    /// <summary>A connection's state: set once Kestrel refuses its current request.</summary>
    private sealed class Rejection
    {
        public volatile byte[]? Response;
    }

    private sealed class Observer : IObserver<KeyValuePair<string, object?>>
    {
        public void OnNext(KeyValuePair<string, object?> value)
        {
            // The payload is the request's features, which fall back to the connection's (where Rejection lives).
            if (value.Value is not IFeatureCollection features || features.Get<Rejection>() is not { } rejection) return;
            var response = features.Get<IHttpResponseFeature>();
            if (response is null || response.HasStarted) return;
            var error = features.Get<IBadRequestExceptionFeature>()?.Error;
            var status = error is Microsoft.AspNetCore.Http.BadHttpRequestException bad ? bad.StatusCode : response.StatusCode;
            rejection.Response = Response(status >= 400 ? status : 400, error?.Message);
        }

        public void OnError(Exception error)
        {
        }

        public void OnCompleted()
        {
        }
    }

    /// <summary>Passes Kestrel's output through until the connection's request is refused; then sends the problem instead.</summary>
    private sealed class ProblemWriter(PipeWriter inner, Rejection rejection) : PipeWriter
    {
        private byte[] _discard = [];
        private bool _sent;

        private bool Replacing => rejection.Response is not null;

        public override Memory<byte> GetMemory(int sizeHint = 0) => Replacing ? Discard(sizeHint) : inner.GetMemory(sizeHint);

        public override Span<byte> GetSpan(int sizeHint = 0) => Replacing ? Discard(sizeHint) : inner.GetSpan(sizeHint);

        public override void Advance(int bytes)
        {
            if (!Replacing) inner.Advance(bytes);
        }

        public override ValueTask<FlushResult> FlushAsync(CancellationToken cancellationToken = default)
        {
            SendProblemOnce();
            return inner.FlushAsync(cancellationToken);
        }

        public override void CancelPendingFlush() => inner.CancelPendingFlush();

        public override void Complete(Exception? exception = null)
        {
            SendProblemOnce();
            inner.Complete(exception);
        }

        public override async ValueTask CompleteAsync(Exception? exception = null)
        {
            if (SendProblemOnce()) await inner.FlushAsync();
            await inner.CompleteAsync(exception);
        }

        public override bool CanGetUnflushedBytes => inner.CanGetUnflushedBytes;

        public override long UnflushedBytes => inner.UnflushedBytes;

        private bool SendProblemOnce()
        {
            if (_sent || rejection.Response is not { } response) return false;
            _sent = true;
            inner.Write(response);
            return true;
        }

        private byte[] Discard(int sizeHint)
        {
            if (_discard.Length < Math.Max(sizeHint, 4096)) _discard = new byte[Math.Max(sizeHint, 4096)];
            return _discard;
        }
    }

    private sealed class DuplexPipe(PipeReader input, PipeWriter output) : IDuplexPipe
    {
        public PipeReader Input { get; } = input;
        public PipeWriter Output { get; } = output;
    }
}
