using System.Runtime.CompilerServices;
using System.Text;
using Microsoft.Extensions.Logging;
using VoiceAgents.VoiceHost.Pipeline.Frames;
using VoiceAgents.VoiceHost.Pipeline;

namespace VoiceAgents.VoiceHost.Processors;

/// <summary>
/// Cuts the LLM's stream into sentences, so speech starts on the first complete sentence. A run-on sentence is cut
/// at a comma or a space once it weighs <see cref="MaxSentenceWeight"/>, so its speech need not wait for its end;
/// never inside a word, so the transcript keeps the LLM's text as written.
/// </summary>
public sealed class SentenceProcessor(CallContext call) : FrameProcessor(call.Log)
{
    public const int MaxSentenceWeight = 2 * SpeechText.MaxPieceWeight;
    private readonly StringBuilder _buffer = new();
    private long _ids;

    // The buffer had no space to cut a run-on sentence at: only text with a space in it can change that.
    private bool _unbreakable;

    protected override ValueTask ProcessFrameAsync(Frame frame, FrameDirection direction, CancellationToken ct)
    {
        switch (frame)
        {
            case LlmTextFrame t:
                _buffer.Append(t.Text);
                if (SpeechText.HasSpace(t.Text)) _unbreakable = false;
                while (NextSentence() is { } sentence) Push(new TextFrame(sentence, Interlocked.Increment(ref _ids)));
                return ValueTask.CompletedTask;
            case LlmResponseEndFrame:
                var rest = _buffer.ToString().Trim();
                _buffer.Clear();
                _unbreakable = false;
                if (rest.Length > 0) Push(new TextFrame(rest, Interlocked.Increment(ref _ids)));
                break;
        }
        return base.ProcessFrameAsync(frame, direction, ct);
    }

    protected override ValueTask OnInterruptedAsync()
    {
        _buffer.Clear();
        _unbreakable = false;
        return ValueTask.CompletedTask;
    }

    /// <summary>The first complete sentence in the buffer: up to . ! ? or a newline followed by a space.</summary>
    private string? NextSentence()
    {
        for (var i = 0; i < _buffer.Length - 1; i++)
        {
            var c = _buffer[i];
            var boundary = c is '\n' || (c is '.' or '!' or '?' or ';' && char.IsWhiteSpace(_buffer[i + 1]));
            // "Dr. Smith", "e.g. this": a period that ends a known abbreviation is no boundary ("3.5" has no space after its period).
            if (boundary && c == '.' && IsAbbreviation(i)) boundary = false;
            if (!boundary) continue;
            var sentence = _buffer.ToString(0, i + 1).Trim();
            _buffer.Remove(0, i + 1);
            if (sentence.Length > 0) return sentence;
            i = -1;
        }
        return RunOn();
    }

    private string? RunOn()
    {
        if (_unbreakable || _buffer.Length <= MaxSentenceWeight / SpeechText.DigitWeight) return null;
        var text = _buffer.ToString();
        var cut = SpeechText.CutAt(text, MaxSentenceWeight, hard: false);
        _unbreakable = cut == 0;
        if (cut == 0 || cut == text.Length) return null;
        _buffer.Remove(0, cut);
        var sentence = text[..cut].Trim();
        return sentence.Length > 0 ? sentence : null;
    }

    private bool IsAbbreviation(int period)
    {
        var start = period;
        // Letters and inner periods, so "e.g." is read as "e.g" and not as "g".
        while (start > 0 && (char.IsLetter(_buffer[start - 1]) || _buffer[start - 1] == '.')) start--;
        var word = _buffer.ToString(start, period - start);
        return word is "Mr" or "Mrs" or "Ms" or "Dr" or "St" or "vs" or "etc" or "e.g" or "i.e";
    }
}
