using Microsoft.Extensions.Options;
using VoiceAgents.Core.Queues;

namespace VoiceAgents.VoiceHost.Calls;

/// <summary>A call in the spool: its folder holds the recording and the call-completed message.</summary>
public sealed record SpooledCall(string CallId, string Folder)
{
    public string RecordingPath => Path.Combine(Folder, "recording.wav");
    public string MessagePath => Path.Combine(Folder, "message.json");

    /// <summary>Present once the recording is in S3, so a retry after a queue failure does not upload it again.</summary>
    public string RecordingUploadedPath => Path.Combine(Folder, "recording.uploaded");
}
