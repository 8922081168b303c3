namespace VoiceAgents.VoiceHost.Providers;

/// <summary>
/// The deadline of one vendor call. A streamed call's first byte must arrive within the timeout, and each later
/// piece within the timeout of the one before (<see cref="Extend"/>), so a vendor that stalls mid-stream fails
/// instead of hanging the turn; a <see cref="Whole"/> deadline bounds the whole exchange instead. Its
/// <see cref="Token"/> is also cancelled by the caller's token.
/// </summary>
public sealed class StreamDeadline : IDisposable
{
    private readonly CancellationTokenSource _cts;
    private readonly CancellationToken _caller;
    private readonly bool _extends;

    public StreamDeadline(TimeSpan timeout, CancellationToken caller) : this(timeout, caller, extends: true)
    {
    }

    private StreamDeadline(TimeSpan timeout, CancellationToken caller, bool extends)
    {
        Timeout = timeout;
        _caller = caller;
        _extends = extends;
        _cts = CancellationTokenSource.CreateLinkedTokenSource(caller);
        _cts.CancelAfter(timeout);
    }

    /// <summary>A deadline for the whole exchange, first byte and body: <see cref="Extend"/> leaves it as it is.</summary>
    public static StreamDeadline Whole(TimeSpan timeout, CancellationToken caller) => new(timeout, caller, extends: false);

    public TimeSpan Timeout { get; }

    public CancellationToken Token => _cts.Token;

    /// <summary>True when the caller, not the deadline, cancelled the call.</summary>
    public bool CallerCancelled => _caller.IsCancellationRequested;

    public CancellationToken CallerToken => _caller;

    /// <summary>What failed when the deadline passed, in words.</summary>
    public string Expired => $"no {(_extends ? "" : "complete ")}response within {Timeout.TotalSeconds:0.###} s";

    /// <summary>Something arrived: the next piece has a full timeout again.</summary>
    public void Extend()
    {
        if (_extends && !_cts.IsCancellationRequested) _cts.CancelAfter(Timeout);
    }

    public void Dispose() => _cts.Dispose();
}
