using System.Text.Json.Serialization;

namespace VoiceAgents.Functions.Usage;

/// <summary>One UTC day's calls and usage; <see cref="Date"/> is <c>yyyy-MM-dd</c>.</summary>
public sealed record UsageDay : UsageFigures
{
    public UsageDay(string date, UsageFigures figures) : base(figures) => Date = date;

    [JsonPropertyOrder(-1)]
    public string Date { get; init; }
}
