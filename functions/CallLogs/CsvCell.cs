using System.Text;

namespace VoiceAgents.Functions.CallLogs;

/// <summary>
/// Cells of an RFC 4180 CSV. A text cell is quoted when it holds a quote, comma, CR or LF (quotes doubled), and one that
/// begins with <c>=</c>, <c>+</c>, <c>-</c>, <c>@</c>, tab or CR gets a leading <c>'</c>, so a spreadsheet shows it as
/// text instead of running it as a formula (OWASP's "CSV injection"): call logs hold what callers said and what an LLM
/// made of it. Hand-written because it is a dozen lines and the exports need nothing else of a CSV library.
/// </summary>
public static class CsvCell
{
    private static readonly System.Buffers.SearchValues<char> NeedsQuotes = System.Buffers.SearchValues.Create("\",\r\n");

    /// <summary>Appends a text cell, quoted and guarded as needed; null and empty are an empty cell.</summary>
    public static void AppendText(StringBuilder row, string? value)
    {
        if (string.IsNullOrEmpty(value)) return;
        var guard = value[0] is '=' or '+' or '-' or '@' or '\t' or '\r';
        var quote = value.AsSpan().ContainsAny(NeedsQuotes);
        if (!guard && !quote)
        {
            row.Append(value);
            return;
        }
        if (quote) row.Append('"');
        if (guard) row.Append('\'');
        if (quote) row.Append(value.Replace("\"", "\"\"", StringComparison.Ordinal));
        else row.Append(value);
        if (quote) row.Append('"');
    }
}
