namespace VoiceAgents.Core.Knowledge;

/// <summary>
/// Cuts a document's blocks into chunks for retrieval. A heading always starts a new chunk, and a chunk remembers the
/// headings above it ("Returns &gt; Refunds"). Within a section, whole paragraphs are gathered up to
/// <see cref="ChunkingOptions.TargetWords"/>; the next chunk repeats the last <see cref="ChunkingOptions.OverlapWords"/>
/// words, so a passage that straddles a cut is still found whole in one of the two. A paragraph longer than the
/// target is cut inside, at word boundaries, with the same overlap. Paragraphs are kept apart by a blank line.
/// </summary>
public static class KnowledgeChunker
{
    private const string ParagraphBreak = "\n\n";

    public static IReadOnlyList<ChunkText> Chunk(IEnumerable<TextBlock> blocks, ChunkingOptions? options = null)
    {
        options ??= ChunkingOptions.Default;
        if (options.TargetWords < 1 || options.OverlapWords < 0 || options.OverlapWords >= options.TargetWords)
        {
            throw new ArgumentException("TargetWords must be positive and OverlapWords below it.", nameof(options));
        }
        var cutter = new Cutter(options);
        var headings = new string?[6];
        foreach (var block in blocks)
        {
            if (block.IsHeading)
            {
                cutter.EndSection();
                headings[block.HeadingLevel - 1] = block.Text;
                Array.Clear(headings, block.HeadingLevel, headings.Length - block.HeadingLevel);
                var path = headings.Where(h => h is not null).ToList();
                cutter.Heading = path.Count > 0 ? string.Join(" > ", path) : null;
            }
            else
            {
                cutter.Add(block.Text.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries));
            }
        }
        cutter.EndSection();
        return cutter.Chunks;
    }

    /// <summary>The chunk being gathered: its tokens are words and paragraph breaks; only words count toward the size.</summary>
    private sealed class Cutter(ChunkingOptions options)
    {
        private readonly List<string> _tokens = [];
        private int _words;
        // Words not yet in an emitted chunk: a chunk of nothing but the previous one's overlap is never emitted.
        private int _fresh;

        public List<ChunkText> Chunks { get; } = [];
        public string? Heading { get; set; }

        public void Add(string[] paragraph)
        {
            if (paragraph.Length == 0) return;
            if (_words + paragraph.Length > options.TargetWords)
            {
                if (_fresh > 0) Emit();
                // The overlap gives way to a paragraph that would fit a chunk on its own, rather than cut it.
                if (paragraph.Length <= options.TargetWords) KeepLastWords(options.TargetWords - paragraph.Length);
            }
            if (_words > 0) _tokens.Add(ParagraphBreak);
            foreach (var word in paragraph)
            {
                if (_words >= options.TargetWords) Emit();
                _tokens.Add(word);
                _words++;
                _fresh++;
            }
        }

        public void EndSection()
        {
            if (_fresh > 0) Emit();
            _tokens.Clear();
            _words = 0;
            _fresh = 0;
        }

        private void Emit()
        {
            var text = string.Join(' ', _tokens).Replace(" " + ParagraphBreak + " ", ParagraphBreak, StringComparison.Ordinal).Trim();
            Chunks.Add(new ChunkText(Chunks.Count, Heading, text));
            KeepLastWords(options.OverlapWords);
            _fresh = 0;
        }

        private void KeepLastWords(int count)
        {
            var start = _tokens.Count;
            for (var kept = 0; start > 0 && kept < count; start--)
            {
                if (_tokens[start - 1] != ParagraphBreak) kept++;
            }
            _tokens.RemoveRange(0, start);
            while (_tokens.Count > 0 && _tokens[0] == ParagraphBreak) _tokens.RemoveAt(0);
            _words = _tokens.Count(t => t != ParagraphBreak);
        }
    }
}
