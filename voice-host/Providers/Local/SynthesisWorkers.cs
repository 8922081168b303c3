using System.Collections.Concurrent;

namespace VoiceAgents.VoiceHost.Providers.Local;

/// <summary>
/// The threads that run local syntheses, and the queue they serve.
/// <para>
/// flite is CPU-bound native code that cannot be awaited. On the thread pool every synthesis would block a pool
/// thread, and a 2-core machine starts with two of them: two long syntheses stalled every call's sockets and timers
/// until the pool grew. A few threads of their own bound the threads and memory that synthesis takes and leave the
/// pool alone, which is why this is a small hand-written worker pool rather than a limiter
/// (System.Threading.RateLimiting's ConcurrencyLimiter hands out permits, but the work would still run on the pool).
/// There are more of them than cores (two per core by default): the OS then shares the CPU between the pieces that
/// run, so a greeting's short first piece is done in a few milliseconds beside two long ones instead of waiting for
/// a worker to come free (bench/Tts measures it).
/// </para>
/// <para>
/// The queue is first come, first served by job, and that is a round robin of calls: a job is one piece of one
/// call's sentence (<see cref="Processors.SpeechText"/>), bounded in size, and a call asks for its next piece only
/// after it has received the last one, so it never has more than one job waiting. A caller whose greeting is 2,000
/// digits goes to the back of the queue after each of its pieces, behind every other call that is waiting, instead
/// of holding a worker for its whole text; and a job whose call is gone is dropped when its turn comes.
/// </para>
/// </summary>
internal sealed class SynthesisWorkers : IDisposable
{
    private readonly BlockingCollection<SynthesisJob> _queue = new(new ConcurrentQueue<SynthesisJob>());
    private readonly Thread[] _threads;
    private readonly Action<SynthesisJob> _synthesize;
    private readonly Action<TimeSpan> _stopped;
    private int _inFlight;
    private int _running;
    private long _stoppedCount;

    /// <param name="synthesize">Runs one job on the calling worker thread, streaming its audio into the job.</param>
    /// <param name="stopped">Told, for each job stopped early, how long it took from the stop to a free worker.</param>
    public SynthesisWorkers(int count, Action<SynthesisJob> synthesize, Action<TimeSpan> stopped)
    {
        _synthesize = synthesize;
        _stopped = stopped;
        _threads = new Thread[count];
        for (var i = 0; i < count; i++)
        {
            _threads[i] = new Thread(Work) { IsBackground = true, Name = $"local-tts-{i}" };
            _threads[i].Start();
        }
    }

    /// <summary>Jobs waiting or running.</summary>
    public int InFlight => Volatile.Read(ref _inFlight);

    /// <summary>Jobs running now.</summary>
    public int Running => Volatile.Read(ref _running);

    /// <summary>Jobs ended early because their call stopped them (hang-up, barge-in), since the start.</summary>
    public long Stopped => Interlocked.Read(ref _stoppedCount);

    public int Count => _threads.Length;

    public void Enqueue(SynthesisJob job)
    {
        Interlocked.Increment(ref _inFlight);
        try
        {
            _queue.Add(job);
        }
        catch (InvalidOperationException)
        {
            Interlocked.Decrement(ref _inFlight);
            job.EndAudio(new ProviderException("local", "voice-host is stopping"));
        }
    }

    private void Work()
    {
        foreach (var job in _queue.GetConsumingEnumerable()) Run(job);
    }

    private void Run(SynthesisJob job)
    {
        Exception? error = null;
        Interlocked.Increment(ref _running);
        try
        {
            if (!job.StopRequested) _synthesize(job);
        }
        catch (Exception e)
        {
            error = e as ProviderException ?? new ProviderException("local", e.Message, e);
        }
        finally
        {
            Interlocked.Decrement(ref _running);
            if (job.Finish() is { } delay)
            {
                Interlocked.Increment(ref _stoppedCount);
                _stopped(delay);
            }
            Interlocked.Decrement(ref _inFlight);
            // Only now does the call hear that its audio is over: it goes on on another thread, and a call that has
            // heard the end must find the worker free in the counts (they read 1 to a call that looked at once).
            job.EndAudio(error);
        }
    }

    public void Dispose()
    {
        _queue.CompleteAdding();
        // The queue is not disposed: a worker that outlives the join (a long synthesis) reads it once more.
        foreach (var thread in _threads) thread.Join(TimeSpan.FromSeconds(5));
    }
}
