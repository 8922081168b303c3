
namespace VoiceAgents.VoiceHost.Processors;

/// <summary>Keeps the transcript turns of a call, with times on the call's timeline.</summary>
public static class TranscriptLog
{
    public static void Add(CallContext call, string speaker, string text, DateTimeOffset startedAt, DateTimeOffset? endedAt = null)
    {
        var end = endedAt ?? call.Time.GetUtcNow();
        lock (call.Transcript)
        {
            call.Transcript.Add(new Core.Domain.TranscriptTurn
            {
                Speaker = speaker,
                Text = text,
                StartMs = Math.Max(0, call.ElapsedMs(startedAt)),
                EndMs = Math.Max(0, call.ElapsedMs(end)),
            });
        }
    }
}
