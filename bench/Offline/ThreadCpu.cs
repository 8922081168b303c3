using System.Runtime.InteropServices;

namespace VoiceAgents.Bench.Offline;

/// <summary>
/// The calling thread's CPU time (Linux <c>clock_gettime(CLOCK_THREAD_CPUTIME_ID)</c>): on a shared machine the wall
/// clock also counts the time other work held the core; .NET has no per-thread CPU clock of its own.
/// </summary>
public static partial class ThreadCpu
{
    private const int ThreadCpuTimeId = 3;

    public static TimeSpan Now()
    {
        if (clock_gettime(ThreadCpuTimeId, out var t) != 0) throw new InvalidOperationException("clock_gettime(CLOCK_THREAD_CPUTIME_ID) failed");
        return TimeSpan.FromTicks(t.Seconds * TimeSpan.TicksPerSecond + t.Nanoseconds / 100);
    }

    [StructLayout(LayoutKind.Sequential)]
    private struct TimeSpec
    {
        public long Seconds;
        public long Nanoseconds;
    }

    [LibraryImport("libc", SetLastError = true)]
    private static partial int clock_gettime(int clock, out TimeSpec time);
}
