using Microsoft.Extensions.Options;
using VoiceAgents.Core.Queues;
using VoiceAgents.VoiceHost.Configuration;

namespace VoiceAgents.VoiceHost.Calls;

/// <summary>
/// Finished calls waiting for delivery, a folder per call under <see cref="VoiceOptions.SpoolFolder"/>. A call is
/// written under <c>.incoming</c>, flushed to disk and then moved into place in one rename, so any call folder in
/// the spool is whole. It leaves the spool only once S3 and the queue both have it.
/// </summary>
public sealed class CallSpool(IOptions<VoiceOptions> options)
{
    private const string Incoming = ".incoming";

    public string Folder { get; } = options.Value.SpoolFolder;

    public async Task<SpooledCall> AddAsync(CallCompletedMessage message, Func<Stream, CancellationToken, Task> writeRecording, CancellationToken ct)
    {
        var incoming = Path.Combine(Folder, Incoming, message.CallId);
        if (Directory.Exists(incoming)) Directory.Delete(incoming, recursive: true);
        Directory.CreateDirectory(incoming);
        var call = new SpooledCall(message.CallId, incoming);
        await using (var wav = Create(call.RecordingPath))
        {
            await writeRecording(wav, ct);
            wav.Flush(flushToDisk: true);
        }
        await using (var json = Create(call.MessagePath))
        {
            await json.WriteAsync(message.ToUtf8Json(), ct);
            json.Flush(flushToDisk: true);
        }
        var target = Path.Combine(Folder, message.CallId);
        Directory.Move(incoming, target);
        return call with { Folder = target };
    }

    /// <summary>The calls waiting, oldest first.</summary>
    public IReadOnlyList<SpooledCall> List()
    {
        if (!Directory.Exists(Folder)) return [];
        return new DirectoryInfo(Folder).EnumerateDirectories()
            .Where(d => !d.Name.StartsWith('.') && File.Exists(Path.Combine(d.FullName, "message.json")))
            .OrderBy(d => d.CreationTimeUtc)
            .Select(d => new SpooledCall(d.Name, d.FullName))
            .ToList();
    }

    public int Count => List().Count;

    /// <summary>Drops calls a previous run was still writing when it died: without their message they cannot be sent.</summary>
    public int DiscardIncomplete()
    {
        var incoming = Path.Combine(Folder, Incoming);
        if (!Directory.Exists(incoming)) return 0;
        var count = Directory.EnumerateDirectories(incoming).Count();
        Directory.Delete(incoming, recursive: true);
        return count;
    }

    public static void Remove(SpooledCall call) => Directory.Delete(call.Folder, recursive: true);

    private static FileStream Create(string path) =>
        new(path, FileMode.CreateNew, FileAccess.Write, FileShare.None, 64 * 1024, FileOptions.Asynchronous);
}
