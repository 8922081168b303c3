using System.Text.RegularExpressions;
using VoiceAgents.Core.Errors;

namespace VoiceAgents.Core.Telephony;

/// <summary>E.164 numbers: validated one by one, normalized, and de-duplicated in order.</summary>
public static partial class PhoneNumbers
{
    public const int MaxPerCampaign = 10_000;

    public static List<string> Normalize(IReadOnlyList<string?>? numbers, Validation v, string field = "phone_numbers")
    {
        var result = new List<string>();
        if (numbers is null) return result;
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var invalid = 0;
        for (var i = 0; i < numbers.Count; i++)
        {
            var n = Clean(numbers[i]);
            if (n is null || !E164().IsMatch(n))
            {
                // Report the first 50 bad lines; beyond that the count is what matters.
                if (invalid++ < 50) v.Add($"{field}[{i}]", $"'{Truncate(numbers[i])}' is not an E.164 number such as +14155550123.");
                continue;
            }
            if (seen.Add(n)) result.Add(n);
        }
        if (invalid > 50) v.Add(field, $"{invalid} numbers are not valid E.164.");
        if (result.Count > MaxPerCampaign) v.Add(field, $"must have at most {MaxPerCampaign} distinct numbers; got {result.Count}.");
        return result;
    }

    public static bool IsValid(string? number) => number is not null && E164().IsMatch(number);

    private static string? Clean(string? raw)
    {
        if (raw is null) return null;
        var s = raw.Trim();
        if (s.Length > 32) return null;
        return SeparatorPattern().Replace(s, "");
    }

    private static string Truncate(string? s) => s is null ? "null" : s.Length > 40 ? s[..40] + "…" : s;

    [GeneratedRegex(@"^\+[1-9][0-9]{6,14}$")]
    private static partial Regex E164();

    [GeneratedRegex(@"[\s\-().]")]
    private static partial Regex SeparatorPattern();
}
