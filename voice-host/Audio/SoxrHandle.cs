using Microsoft.Win32.SafeHandles;

namespace VoiceAgents.VoiceHost.Audio;

/// <summary>A libsoxr resampler (<c>soxr_t</c>), deleted once, when disposed or finalized, never while a call into it runs.</summary>
internal sealed class SoxrHandle : SafeHandleZeroOrMinusOneIsInvalid
{
    public SoxrHandle() : base(ownsHandle: true)
    {
    }

    protected override bool ReleaseHandle()
    {
        Soxr.soxr_delete(handle);
        return true;
    }
}
