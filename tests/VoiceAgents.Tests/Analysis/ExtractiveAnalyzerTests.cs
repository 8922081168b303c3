using VoiceAgents.Core.Analysis;
using VoiceAgents.Core.Domain;

namespace VoiceAgents.Tests.Analysis;

/// <summary>The offline analysis: the caller's first and last turns, fields by regex typed as the schema says, a verdict on what was found.</summary>
public sealed class ExtractiveAnalyzerTests
{
    private static readonly DateTime Now = new(2026, 12, 6, 20, 0, 0, DateTimeKind.Utc);

    private static TranscriptTurn Turn(string speaker, string text) => new() { Speaker = speaker, Text = text };

    private static AnalysisSettings Settings(string? success = "Booked.") => new()
    {
        DataSchemaJson = """{"type":"object","properties":{"party":{"type":"integer"},"day":{"type":"string"},"vip":{"type":"boolean"}},"required":["party","day"]}""",
        Extract = new() { ["party"] = @"for (\d+)", ["day"] = @"on (\w+day)", ["vip"] = @"member\? (\w+)" },
        Success = success,
    };

    [Fact]
    public void Summary_is_the_callers_first_and_last_turns_and_the_last_match_of_a_field_wins()
    {
        var analysis = ExtractiveAnalyzer.Analyze(Settings(), [
            Turn("assistant", "Hello, for 9 people on Sunday?"),
            Turn("user", "A table for 4 on Friday please"),
            Turn("user", "are you a member? yes"),
            Turn("user", "sorry, make that for 5 on Saturday"),
        ], Now);

        Assert.Equal(CallAnalysisKinds.Extractive, analysis.Kind);
        Assert.Equal("The caller first said: \"A table for 4 on Friday please\" and last said: \"sorry, make that for 5 on Saturday\"", analysis.Summary);
        Assert.Equal(5L, analysis.Data!["party"].ToInt64());
        Assert.Equal("Saturday", analysis.Data["day"].AsString);
        Assert.True(analysis.Data["vip"].AsBoolean);
        Assert.Equal((true, "The caller gave party, day."), (analysis.Success!.Verdict, analysis.Success.Reason));
        Assert.Equal(Now, analysis.AnalyzedAt);
    }

    [Fact]
    public void A_required_field_not_found_fails_the_verdict_naming_it()
    {
        var analysis = ExtractiveAnalyzer.Analyze(Settings(), [Turn("user", "a table for 2 please")], Now);

        Assert.Equal("The caller said: \"a table for 2 please\"", analysis.Summary);
        Assert.False(analysis.Data!.Contains("day"));
        Assert.Equal((false, "Not found in what the caller said: day."), (analysis.Success!.Verdict, analysis.Success.Reason));
    }

    [Fact]
    public void Without_success_criteria_or_a_summary_there_is_neither()
    {
        var settings = Settings(success: null);
        settings.Summary = false;
        var analysis = ExtractiveAnalyzer.Analyze(settings, [], Now);

        Assert.Null(analysis.Summary);
        Assert.Null(analysis.Success);
        Assert.Equal(0, analysis.Data!.ElementCount);
    }
}
