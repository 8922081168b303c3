using Microsoft.Extensions.Options;
using VoiceAgents.Core.Calls;
using VoiceAgents.VoiceHost.Configuration;

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
