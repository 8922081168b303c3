using VoiceAgents.Core.Domain;

namespace VoiceAgents.VoiceHost.Calls;

/// <summary>
/// Writes <c>{call_id}.wav</c>, then <c>{call_id}.json</c> to a folder. Each is written under a temporary name and
/// renamed when complete, so a reader that sees the JSON finds both files whole.
/// </summary>
public sealed class LocalFolderCallSink(string folder) : ICallSink
{
    public string Folder { get; } = folder;

    public async Task AcceptAsync(CallCompleted call, Func<Stream, CancellationToken, Task> writeRecording, CancellationToken ct)
    {
        Directory.CreateDirectory(Folder);
        await WriteAsync(call.CallId + ".wav", writeRecording, ct);
        await WriteAsync(call.CallId + ".json", (json, c) => System.Text.Json.JsonSerializer.SerializeAsync(json, call, Core.Json.JsonDefaults.Options, c), ct);
    }

    private async Task WriteAsync(string name, Func<Stream, CancellationToken, Task> write, CancellationToken ct)
    {
        var path = Path.Combine(Folder, name);
        var partial = path + ".partial";
        await using (var file = File.Create(partial))
        {
            await write(file, ct);
        }
        File.Move(partial, path, overwrite: true);
    }
}
