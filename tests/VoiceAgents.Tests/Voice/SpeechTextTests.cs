using VoiceAgents.VoiceHost.Processors;

namespace VoiceAgents.Tests.Voice;

/// <summary>What TTS is given to say: long digit runs in groups, and sentences in pieces of bounded size.</summary>
public sealed class SpeechTextTests
{
    [Theory]
    [InlineData("Call 4155550100 now.", "Call 4 1 5, 5 5 5, 0 1 0 0 now.")]
    [InlineData("1234567", "1 2 3, 4 5 6 7")]
    [InlineData("Order 12345678 and 98765432109.", "Order 1 2 3, 4 5 6, 7 8 and 9 8 7, 6 5 4, 3 2 1, 0 9.")]
    public void A_long_digit_run_is_read_in_groups_of_three_and_a_lone_last_digit_joins_its_group(string written, string spoken)
    {
        Assert.Equal(spoken, SpeechText.GroupDigits(written));
    }

    [Theory]
    [InlineData("In 2026, 150000 people paid $12.50 at 10:30.")]
    [InlineData("Call +1 415-555-0100.")]
    public void Numbers_shorter_than_a_run_are_left_as_written(string written)
    {
        Assert.Equal(written, SpeechText.GroupDigits(written));
        Assert.Equal([written], SpeechText.Pieces(written));
    }

    [Fact]
    public void A_2000_digit_message_is_spoken_in_bounded_pieces_that_say_every_digit_in_order()
    {
        var digits = RandomDigits(2000, seed: 7);

        var pieces = SpeechText.Pieces(digits).ToList();

        Assert.All(pieces, p => Assert.InRange(Weight(p), 1, SpeechText.MaxPieceWeight));
        Assert.Equal(digits, string.Concat(pieces.SelectMany(p => p.Where(char.IsAsciiDigit))));
        // Each piece holds whole groups, read digit by digit.
        Assert.All(pieces, p => Assert.Matches(@"^[0-9]( [0-9]){1,3}(, [0-9]( [0-9]){1,3})*,?$", p));
        Assert.InRange(pieces.Count, 2000 * SpeechText.DigitWeight / SpeechText.MaxPieceWeight, 2000 / 10);
    }

    [Fact]
    public void A_long_sentence_is_cut_after_a_comma_or_else_at_a_space_and_its_pieces_rejoin_into_the_sentence()
    {
        var clause = "we can seat you by the window on the terrace or in the quiet room at the back";
        var sentence = $"Thank you for waiting, {clause}, {clause}, and {clause} {clause} {clause} if you would like that.";

        var pieces = SpeechText.Pieces(sentence).ToList();

        Assert.True(pieces.Count >= 3, string.Join(" | ", pieces));
        Assert.All(pieces, p => Assert.InRange(Weight(p), 1, SpeechText.MaxPieceWeight));
        Assert.Equal(sentence, string.Join(' ', pieces));
        // Where a comma falls in the second half of the room a piece has, the piece ends there.
        Assert.EndsWith(",", pieces[0], StringComparison.Ordinal);
        Assert.All(pieces, p => Assert.False(p.StartsWith(' ') || p.EndsWith(' ')));
    }

    [Fact]
    public void A_token_longer_than_a_piece_is_cut_inside_it_and_nothing_is_lost()
    {
        var token = new string('a', 400) + "😀" + new string('b', 300);

        var pieces = SpeechText.Pieces(token).ToList();

        Assert.Equal(token, string.Concat(pieces));
        Assert.All(pieces, p => Assert.InRange(Weight(p), 1, SpeechText.MaxPieceWeight));
        Assert.DoesNotContain(pieces, p => char.IsHighSurrogate(p[^1]) || char.IsLowSurrogate(p[0]));
    }

    [Fact]
    public void Without_a_hard_cut_a_long_token_is_kept_whole_up_to_the_next_space()
    {
        var text = RandomDigits(400, seed: 3) + " and then some more words";

        Assert.Equal(400, SpeechText.CutAt(text, SpeechText.MaxPieceWeight, hard: false));
        Assert.Equal(0, SpeechText.CutAt(RandomDigits(400, seed: 3), SpeechText.MaxPieceWeight, hard: false));
        Assert.Equal("short enough".Length, SpeechText.CutAt("short enough", SpeechText.MaxPieceWeight, hard: false));
    }

    internal static string RandomDigits(int count, int seed)
    {
        var random = new Random(seed);
        return string.Concat(Enumerable.Range(0, count).Select(_ => (char)('0' + random.Next(10))));
    }

    private static int Weight(string piece) => piece.Sum(c => char.IsDigit(c) ? SpeechText.DigitWeight : 1);
}
