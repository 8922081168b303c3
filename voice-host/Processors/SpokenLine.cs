using VoiceAgents.VoiceHost.Pipeline.Frames;

namespace VoiceAgents.VoiceHost.Processors;

/// <summary>A line the platform says itself, not the LLM (a first message, a reprompt, a closing line, an apology): a reply of one sentence.</summary>
public static class SpokenLine
{
    /// <summary>
    /// <paramref name="text"/> as a reply of one sentence, followed, when <paramref name="endReason"/> is given, by
    /// the end of the call for that reason once it has been played.
    /// </summary>
    public static Frame[] Frames(string text, long sentenceId, string? endReason = null) =>
        endReason is null
            ? [new LlmResponseStartFrame(), new TextFrame(text, sentenceId), new LlmResponseEndFrame()]
            : [new LlmResponseStartFrame(), new TextFrame(text, sentenceId), new LlmResponseEndFrame(), new EndFrame(endReason)];
}
