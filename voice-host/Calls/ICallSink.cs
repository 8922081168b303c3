using VoiceAgents.Core.Domain;

namespace VoiceAgents.VoiceHost.Calls;

/// <summary>Takes a finished call: <see cref="QueueCallSink"/> hands it to post-call processing through S3 and a queue; <see cref="LocalFolderCallSink"/> keeps it in a folder.</summary>
public interface ICallSink
{
    Task AcceptAsync(CallCompleted call, Func<Stream, CancellationToken, Task> writeRecording, CancellationToken ct);
}
