using VoiceAgents.Core.Knowledge;

namespace VoiceAgents.Tests.Knowledge;

public sealed class KnowledgeChunkerTests
{
    /// <summary>A paragraph of <paramref name="count"/> numbered words (<c>p1w0 p1w1 …</c>), so a test can see where a cut fell.</summary>
    private static TextBlock Words(string prefix, int count) => TextBlock.Paragraph(string.Join(' ', Enumerable.Range(0, count).Select(i => $"{prefix}w{i}")));

    private static string[] WordsOf(ChunkText chunk) => chunk.Text.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);

    [Fact]
    public void Short_paragraphs_of_one_section_share_a_chunk_separated_by_a_blank_line()
    {
        var chunks = KnowledgeChunker.Chunk([TextBlock.Paragraph("Open at nine."), TextBlock.Paragraph("Closed on Sundays.")]);
        var chunk = Assert.Single(chunks);
        Assert.Equal(new ChunkText(0, null, "Open at nine.\n\nClosed on Sundays."), chunk);
    }

    [Fact]
    public void A_heading_starts_a_new_chunk_and_chunks_carry_the_heading_path()
    {
        var chunks = KnowledgeChunker.Chunk(
        [
            TextBlock.Paragraph("Welcome."),
            TextBlock.Heading(1, "Billing"),
            TextBlock.Paragraph("We take cards."),
            TextBlock.Heading(2, "Refunds"),
            TextBlock.Paragraph("Five days."),
            TextBlock.Heading(2, "Invoices"),
            TextBlock.Paragraph("Monthly."),
            TextBlock.Heading(1, "Parking"),
            TextBlock.Paragraph("Free."),
        ]);
        Assert.Equal(
        [
            new ChunkText(0, null, "Welcome."),
            new ChunkText(1, "Billing", "We take cards."),
            new ChunkText(2, "Billing > Refunds", "Five days."),
            new ChunkText(3, "Billing > Invoices", "Monthly."),
            new ChunkText(4, "Parking", "Free."),
        ], chunks);
    }

    [Fact]
    public void A_heading_with_no_text_under_it_makes_no_chunk()
    {
        var chunks = KnowledgeChunker.Chunk([TextBlock.Heading(1, "Empty"), TextBlock.Heading(1, "Full"), TextBlock.Paragraph("Text.")]);
        Assert.Equal([new ChunkText(0, "Full", "Text.")], chunks);
    }

    [Fact]
    public void Paragraphs_are_gathered_up_to_300_words_and_the_next_chunk_repeats_the_last_50()
    {
        // Four paragraphs of 120 words: two fit (240), the third would pass 300.
        var chunks = KnowledgeChunker.Chunk([Words("a", 120), Words("b", 120), Words("c", 120), Words("d", 120)]);

        Assert.Equal(2, chunks.Count);
        var first = WordsOf(chunks[0]);
        Assert.Equal(240, first.Length);
        Assert.Equal("aw0", first[0]);
        var second = WordsOf(chunks[1]);
        // The second starts with the first's last 50 words, then whole paragraphs c and d.
        Assert.Equal(first[^50..], second[..50]);
        Assert.Equal("cw0", second[50]);
        Assert.Equal("dw119", second[^1]);
        Assert.Equal(290, second.Length);
        Assert.Contains("aw0 ", chunks[0].Text, StringComparison.Ordinal);
        Assert.Contains("aw119\n\nbw0", chunks[0].Text, StringComparison.Ordinal);
    }

    [Fact]
    public void The_overlap_gives_way_so_a_paragraph_that_fits_a_chunk_is_not_cut()
    {
        var chunks = KnowledgeChunker.Chunk([Words("a", 200), Words("b", 280)]);

        Assert.Equal(2, chunks.Count);
        var second = WordsOf(chunks[1]);
        Assert.Equal(300, second.Length);
        Assert.Equal(["aw180", "aw199"], new[] { second[0], second[19] });
        Assert.Equal("bw0", second[20]);
        Assert.Equal("bw279", second[^1]);
    }

    [Fact]
    public void A_paragraph_longer_than_a_chunk_is_cut_into_300_word_windows_overlapping_by_50()
    {
        var chunks = KnowledgeChunker.Chunk([Words("p", 700)]);

        Assert.Equal([300, 300, 200], chunks.Select(c => WordsOf(c).Length));
        Assert.Equal("pw0", WordsOf(chunks[0])[0]);
        Assert.Equal("pw250", WordsOf(chunks[1])[0]);
        Assert.Equal("pw500", WordsOf(chunks[2])[0]);
        Assert.Equal("pw699", WordsOf(chunks[2])[^1]);
        Assert.Equal([0, 1, 2], chunks.Select(c => c.Position));
    }

    [Fact]
    public void No_overlap_crosses_a_heading()
    {
        var chunks = KnowledgeChunker.Chunk([Words("a", 290), TextBlock.Heading(1, "Next"), Words("b", 10)]);
        Assert.Equal(2, chunks.Count);
        Assert.Equal(10, WordsOf(chunks[1]).Length);
        Assert.Equal("bw0", WordsOf(chunks[1])[0]);
    }

    [Fact]
    public void Every_word_of_a_long_document_lands_in_some_chunk_and_no_chunk_passes_the_target()
    {
        var random = new Random(15);
        var blocks = new List<TextBlock>();
        for (var i = 0; i < 200; i++)
        {
            blocks.Add(random.Next(8) == 0 ? TextBlock.Heading(random.Next(1, 4), $"H{i}") : Words($"b{i}", random.Next(1, 450)));
        }
        var chunks = KnowledgeChunker.Chunk(blocks);

        var seen = chunks.SelectMany(WordsOf).ToHashSet(StringComparer.Ordinal);
        foreach (var block in blocks.Where(b => !b.IsHeading))
        {
            Assert.All(block.Text.Split(' '), w => Assert.Contains(w, seen));
        }
        Assert.All(chunks, c => Assert.InRange(WordsOf(c).Length, 1, 300));
        Assert.Equal(Enumerable.Range(0, chunks.Count), chunks.Select(c => c.Position));
    }
}
