using System.Globalization;
using System.Text;

namespace VoiceAgents.Core.Auth;

/// <summary>
/// The one form an email takes before it is stored, compared or looked up: trimmed, NFC-normalised and lower-cased,
/// with an internationalised domain in its Unicode form, so look-alike spellings (NFD "é", other case, punycode)
/// are one account. Addresses are the common <c>local@domain</c> shape: no quoted local parts, comments,
/// brackets, controls or invisible format characters.
/// </summary>
public static class EmailAddress
{
    public const int MaxLength = 254;
    private const int MaxLocalLength = 64;
    private const string Specials = "()<>[]\\,;:\"@";
    private static readonly IdnMapping Idn = new() { UseStd3AsciiRules = true };

    /// <summary>The normalised address, or null with the reason when it is not a valid address.</summary>
    public static string? TryNormalize(string? raw, out string? problem)
    {
        problem = "must be a valid email address.";
        if (string.IsNullOrWhiteSpace(raw)) return null;
        string folded;
        try
        {
            // Normalize throws on ill-formed UTF-16 (a lone surrogate from a JSON "\ud800" escape).
            folded = raw.Trim().Normalize(NormalizationForm.FormC).ToLowerInvariant().Normalize(NormalizationForm.FormC);
        }
        catch (ArgumentException)
        {
            return null;
        }
        var at = folded.IndexOf('@', StringComparison.Ordinal);
        if (at <= 0 || at != folded.LastIndexOf('@') || at == folded.Length - 1) return null;
        var local = folded[..at];
        if (local.Length > MaxLocalLength || local[0] == '.' || local[^1] == '.' || local.Contains("..", StringComparison.Ordinal)) return null;
        foreach (var c in local)
        {
            if (char.IsControl(c) || char.IsWhiteSpace(c) || Specials.Contains(c, StringComparison.Ordinal)
                || CharUnicodeInfo.GetUnicodeCategory(c) is UnicodeCategory.Format or UnicodeCategory.Surrogate or UnicodeCategory.PrivateUse or UnicodeCategory.OtherNotAssigned)
            {
                return null;
            }
        }
        string domain;
        try
        {
            // IDNA with STD3 rules: letters, digits and hyphens per label, 63 characters a label; the Unicode form
            // of the ASCII form makes "xn--…" and its Unicode spelling the same domain.
            var ascii = Idn.GetAscii(folded[(at + 1)..]);
            if (!ascii.Contains('.', StringComparison.Ordinal) || ascii.EndsWith('.')) return null;
            domain = Idn.GetUnicode(ascii).ToLowerInvariant().Normalize(NormalizationForm.FormC);
        }
        catch (ArgumentException)
        {
            return null;
        }
        var normalized = $"{local}@{domain}";
        if (normalized.Length > MaxLength)
        {
            problem = $"must be at most {MaxLength} characters.";
            return null;
        }
        problem = null;
        return normalized;
    }

    /// <summary>
    /// The form a login looks up. Never throws: input that is no valid address still gets the same folding (so the
    /// rate limiter counts its variants as one), and simply matches no account.
    /// </summary>
    public static string Normalize(string raw)
    {
        if (TryNormalize(raw, out _) is { } normalized) return normalized;
        var trimmed = raw.Trim();
        try
        {
            return trimmed.Normalize(NormalizationForm.FormC).ToLowerInvariant();
        }
        catch (ArgumentException)
        {
            return trimmed.ToLowerInvariant();
        }
    }
}
