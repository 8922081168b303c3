using Microsoft.Extensions.Options;
using VoiceAgents.Core.Calls;

namespace VoiceAgents.VoiceHost.Calls;

/// <summary>
/// Lets a call in, or says which limit keeps it out: one of this instance's places (<see cref="VoiceOptions.MaxConcurrentCalls"/>,
/// counted by <see cref="ActiveCalls"/>, which the drain waits on too) and, unless the dialer already took it when it
/// placed the call, one of the tenant's slots (<see cref="TenantCallSlots"/>, shared with the dialer).
/// </summary>
public sealed class CallAdmission(ActiveCalls active, TenantCallSlots slots, CallSlotKeeper keeper, IOptions<VoiceOptions> options)
{
    public async Task<Admission> AdmitAsync(string tenantId, string callId, bool takeTenantSlot, CancellationToken ct)
    {
        var max = options.Value.MaxConcurrentCalls;
        if (active.TryEnter(max) is not { } lease)
        {
            return Admission.Refused($"this voice-host is at its limit of {max} concurrent calls; try again");
        }
        if (!takeTenantSlot) return new Admission(lease, null);
        try
        {
            var (taken, cap) = await slots.TryTakeForCallAsync(tenantId, callId, keeper.Holder, ct);
            if (taken) return new Admission(lease, () => keeper.ReleaseAsync(callId));
            lease.Dispose();
            return Admission.Refused($"the tenant's limit of {cap} concurrent calls is reached; try again when a call ends");
        }
        catch
        {
            lease.Dispose();
            throw;
        }
    }
}

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
