namespace VoiceAgents.VoiceHost.Providers;

/// <summary>A stream whose first item has arrived; disposing it ends the stream.</summary>
public sealed class StartedStream<T>(IAsyncEnumerator<T> enumerator, CancellationTokenSource life) : IAsyncDisposable
{
    public IAsyncEnumerator<T> Enumerator { get; } = enumerator;

    public async ValueTask DisposeAsync()
    {
        await Enumerator.DisposeAsync();
        life.Dispose();
    }
}
