using System.Runtime.InteropServices;

namespace VoiceAgents.VoiceHost.Audio;

/// <summary>
/// Records both sides of a call at 16 kHz while it streams: the user on the left channel, the bot on the right,
/// aligned on the call's clock. Each side spills to its own temp file, so memory stays flat however long the call;
/// <see cref="WriteWavAsync"/> interleaves them into a stereo WAV at the end.
/// </summary>
public sealed class CallRecorder : IAsyncDisposable
{
    public const int SampleRate = 16000;
    private readonly FileStream _user;
    private readonly FileStream _bot;
    private readonly Lock _gate = new();
    private long _userSamples;
    private long _maxFrames = long.MaxValue;

    public CallRecorder(string tempFolder)
    {
        Directory.CreateDirectory(tempFolder);
        var id = Guid.NewGuid().ToString("N");
        _user = Open(Path.Combine(tempFolder, $"{id}.user.raw"));
        _bot = Open(Path.Combine(tempFolder, $"{id}.bot.raw"));
    }

    public TimeSpan Duration => TimeSpan.FromSeconds((double)Interlocked.Read(ref _userSamples) / SampleRate);

    /// <summary>Caller audio as it arrives (16 kHz); the caller's stream is the recording's clock.</summary>
    public void WriteUser(ReadOnlySpan<short> samples)
    {
        lock (_gate)
        {
            _user.Write(MemoryMarshal.AsBytes(samples));
            _userSamples += samples.Length;
        }
    }

    /// <summary>Bot audio as it is played (16 kHz), placed at the caller's current position.</summary>
    public void WriteBot(ReadOnlySpan<short> samples)
    {
        lock (_gate)
        {
            var position = Math.Max(_userSamples * 2, _bot.Length);
            // Setting Position flushes the write buffer (a syscall per 20 ms frame), so only move when the bot
            // fell behind the caller; while it speaks it is usually right where it left off.
            if (_bot.Position != position) _bot.Position = position;
            _bot.Write(MemoryMarshal.AsBytes(samples));
        }
    }

    /// <summary>
    /// The recording ends at <paramref name="duration"/>, the call's wall-clock length: the caller's side may have run
    /// ahead of real time by the allowed burst, but a recording is never longer than the call.
    /// </summary>
    public void LimitTo(TimeSpan duration)
    {
        lock (_gate) _maxFrames = Math.Max(0, (long)(duration.TotalSeconds * SampleRate));
    }

    /// <summary>Writes the stereo WAV; the shorter side is padded with silence.</summary>
    public async Task WriteWavAsync(Stream destination, CancellationToken ct)
    {
        long userBytes, botBytes, maxFrames;
        lock (_gate)
        {
            _user.Flush();
            _bot.Flush();
            userBytes = _user.Length;
            botBytes = _bot.Length;
            maxFrames = _maxFrames;
        }
        var frames = Math.Min(maxFrames, Math.Max(userBytes, botBytes) / 2);
        Wav.WriteHeader(destination, SampleRate, 2, frames * 4);
        _user.Position = 0;
        _bot.Position = 0;
        var left = new byte[32 * 1024];
        var right = new byte[32 * 1024];
        var stereo = new byte[64 * 1024];
        for (long done = 0; done < frames;)
        {
            var n = (int)Math.Min(left.Length / 2, frames - done);
            var l = await ReadFullAsync(_user, left.AsMemory(0, n * 2), ct);
            var r = await ReadFullAsync(_bot, right.AsMemory(0, n * 2), ct);
            Array.Clear(left, l, n * 2 - l);
            Array.Clear(right, r, n * 2 - r);
            for (var i = 0; i < n; i++)
            {
                stereo[i * 4] = left[i * 2];
                stereo[i * 4 + 1] = left[i * 2 + 1];
                stereo[i * 4 + 2] = right[i * 2];
                stereo[i * 4 + 3] = right[i * 2 + 1];
            }
            await destination.WriteAsync(stereo.AsMemory(0, n * 4), ct);
            done += n;
        }
    }

    private static async Task<int> ReadFullAsync(Stream s, Memory<byte> buffer, CancellationToken ct)
    {
        var total = 0;
        while (total < buffer.Length)
        {
            var read = await s.ReadAsync(buffer[total..], ct);
            if (read == 0) break;
            total += read;
        }
        return total;
    }

    private static FileStream Open(string path) =>
        new(path, FileMode.CreateNew, FileAccess.ReadWrite, FileShare.None, 64 * 1024, FileOptions.DeleteOnClose);

    public async ValueTask DisposeAsync()
    {
        await _user.DisposeAsync();
        await _bot.DisposeAsync();
    }
}
