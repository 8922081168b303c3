using Microsoft.Extensions.Options;
using VoiceAgents.Core.Calls;

namespace VoiceAgents.VoiceHost.Calls;

/// <summary>A call let in (holding its places until disposed, after its hand-off) or refused with a reason.</summary>
public sealed class Admission : IAsyncDisposable
{
    private readonly ActiveCalls.Lease? _lease;
    private readonly Func<Task>? _release;

    internal Admission(ActiveCalls.Lease? lease, Func<Task>? release, string? refusal = null)
    {
        _lease = lease;
        _release = release;
        Refusal = refusal;
    }

    /// <summary>Why the call was refused (for the close reason); null when it was let in.</summary>
    public string? Refusal { get; }

    internal static Admission Refused(string reason) => new(null, null, reason);

    /// <summary>Lets a drain end this call.</summary>
    public void Attach(Call call) => _lease?.Attach(call);

    public async ValueTask DisposeAsync()
    {
        try
        {
            if (_release is not null) await _release();
        }
        finally
        {
            _lease?.Dispose();
        }
    }
}
