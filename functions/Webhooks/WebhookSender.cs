using System.Net.Http.Headers;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Polly;
using Polly.Retry;
using VoiceAgents.Core.Domain;
using VoiceAgents.Core.Net;

namespace VoiceAgents.Functions.Webhooks;

/// <summary>How sending a delivery went: the last attempt's status code or error, and how many HTTP attempts it took.</summary>
public sealed record DeliveryOutcome(int? StatusCode, string? Error, bool Refused = false, int Attempts = 1)
{
    public bool Succeeded => StatusCode is >= 200 and < 300;

    /// <summary>Worth another try: a network error, a timeout, 408, 429 or 5xx. A refused target never is.</summary>
    public bool Transient => !Succeeded && !Refused && StatusCode is null or 408 or 429 or >= 500;
}

/// <summary>
/// POSTs signed events to webhook endpoints: JSON body, <c>X-Signature</c> (<see cref="WebhookSignature"/>, signed
/// afresh on every attempt), the event id as <c>X-Webhook-Id</c> and <c>Idempotency-Key</c>, a timeout per attempt,
/// no proxy, no redirects, and connections only to addresses the SSRF guard vetted (<see cref="SsrfGuard"/>).
/// </summary>
public sealed partial class WebhookSender : IDisposable
{
    public const string UserAgent = "VoiceAgents-Webhooks/1";

    private readonly HttpClient _http;
    private readonly SsrfGuard _targets;
    private readonly WebhookOptions _options;
    private readonly TimeProvider _time;
    private readonly ResiliencePipeline<DeliveryOutcome> _retry;
    private readonly ILogger<WebhookSender> _log;

    public WebhookSender(SsrfGuard targets, IOptions<WebhookOptions> options, TimeProvider time, ILogger<WebhookSender> log)
    {
        _targets = targets;
        _options = options.Value;
        _time = time;
        _log = log;
        _http = new HttpClient(new SocketsHttpHandler
        {
            UseProxy = false,
            AllowAutoRedirect = false,
            UseCookies = false,
            ConnectTimeout = _options.Timeout,
            PooledConnectionLifetime = TimeSpan.FromMinutes(2),
            ConnectCallback = targets.ConnectAsync,
        })
        {
            Timeout = System.Threading.Timeout.InfiniteTimeSpan,
        };
        _retry = new ResiliencePipelineBuilder<DeliveryOutcome> { TimeProvider = time }
            .AddRetry(new RetryStrategyOptions<DeliveryOutcome>
            {
                ShouldHandle = args => ValueTask.FromResult(args.Outcome.Result?.Transient == true),
                MaxRetryAttempts = Math.Max(0, _options.Retries),
                Delay = _options.RetryDelay,
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
                OnRetry = args =>
                {
                    LogRetry(args.Outcome.Result?.StatusCode, args.Outcome.Result?.Error, args.AttemptNumber + 1, args.RetryDelay.TotalMilliseconds);
                    return ValueTask.CompletedTask;
                },
            })
            .Build();
    }

    /// <summary>Sends with retries (exponential back-off with jitter) on transient failures, within this one call.</summary>
    public async Task<DeliveryOutcome> DeliverAsync(Webhook webhook, string eventId, string eventType, byte[] body, CancellationToken ct)
    {
        var attempts = 0;
        var outcome = await _retry.ExecuteAsync(async token =>
        {
            attempts++;
            return await PostAsync(webhook, eventId, eventType, body, token);
        }, ct);
        return outcome with { Attempts = attempts };
    }

    /// <summary>One POST, no retries.</summary>
    public async Task<DeliveryOutcome> PostAsync(Webhook webhook, string eventId, string eventType, byte[] body, CancellationToken ct)
    {
        if (!Uri.TryCreate(webhook.Url, UriKind.Absolute, out var url)) return new DeliveryOutcome(null, "The URL is not valid.", Refused: true);
        if (_targets.SchemeRefusal(url) is { } refusal) return new DeliveryOutcome(null, $"The URL {refusal}", Refused: true);

        using var request = new HttpRequestMessage(HttpMethod.Post, url) { Content = new ByteArrayContent(body) };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json") { CharSet = "utf-8" };
        request.Headers.UserAgent.ParseAdd(UserAgent);
        request.Headers.Add("X-Webhook-Id", eventId);
        request.Headers.Add("Idempotency-Key", eventId);
        request.Headers.Add("X-Webhook-Event", eventType);
        request.Headers.Add(WebhookSignature.Header, WebhookSignature.Sign(webhook.Secret, _time.GetUtcNow(), body));

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(_options.Timeout);
        try
        {
            using var response = await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, timeout.Token);
            var code = (int)response.StatusCode;
            return new DeliveryOutcome(code, code is >= 200 and < 300 ? null : $"HTTP {code} {response.ReasonPhrase}".TrimEnd());
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            return new DeliveryOutcome(null, $"No response within {_options.Timeout.TotalSeconds:0.###} s.");
        }
        catch (HttpRequestException e) when (Find<TargetRefusedException>(e) is { } refused)
        {
            return new DeliveryOutcome(null, refused.Message, Refused: true);
        }
        catch (HttpRequestException e)
        {
            return new DeliveryOutcome(null, e.InnerException is { } inner ? $"{e.Message} ({inner.Message})" : e.Message);
        }
    }

    private static T? Find<T>(Exception? e) where T : Exception
    {
        for (; e is not null; e = e.InnerException)
        {
            if (e is T found) return found;
        }
        return null;
    }

    public void Dispose() => _http.Dispose();

    [LoggerMessage(Level = LogLevel.Warning, Message = "Webhook attempt failed ({StatusCode}: {Error}); attempt {Attempt} in {DelayMs} ms")]
    private partial void LogRetry(int? statusCode, string? error, int attempt, double delayMs);
}
