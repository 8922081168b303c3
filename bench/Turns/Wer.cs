using VoiceAgents.VoiceHost.Processors;

namespace VoiceAgents.Bench.Turns;

/// <summary>Word error counts: the word-level edit distance between what was said and what was heard.</summary>
internal static class Wer
{
    public static string[] Words(string text) => Backchannels.Words(text);

    public static int Errors(string said, string heard)
    {
        var a = Words(said);
        var b = Words(heard);
        var d = new int[a.Length + 1, b.Length + 1];
        for (var i = 0; i <= a.Length; i++) d[i, 0] = i;
        for (var j = 0; j <= b.Length; j++) d[0, j] = j;
        for (var i = 1; i <= a.Length; i++)
        {
            for (var j = 1; j <= b.Length; j++)
            {
                d[i, j] = Math.Min(Math.Min(d[i - 1, j] + 1, d[i, j - 1] + 1), d[i - 1, j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1));
            }
        }
        return d[a.Length, b.Length];
    }
}
