using System.Text;

namespace VoiceAgents.Tests.Infrastructure;

/// <summary>An RFC 4180 reader for the tests: what a spreadsheet or a CSV library makes of an export.</summary>
public static class Csv
{
    /// <summary>The records of <paramref name="text"/>, each a list of cells; every record must end with CRLF.</summary>
    public static List<List<string>> Parse(string text)
    {
        var records = new List<List<string>>();
        var record = new List<string>();
        var cell = new StringBuilder();
        var quoted = false;
        for (var i = 0; i < text.Length; i++)
        {
            var ch = text[i];
            if (quoted)
            {
                if (ch != '"') cell.Append(ch);
                else if (i + 1 < text.Length && text[i + 1] == '"') cell.Append(text[++i]);
                else quoted = false;
            }
            else if (ch == '"')
            {
                Assert.True(cell.Length == 0, $"a quote inside an unquoted cell at {i}");
                quoted = true;
            }
            else if (ch == ',')
            {
                record.Add(cell.ToString());
                cell.Clear();
            }
            else if (ch == '\r')
            {
                Assert.True(i + 1 < text.Length && text[i + 1] == '\n', $"a CR without LF at {i}");
                record.Add(cell.ToString());
                cell.Clear();
                records.Add(record);
                record = [];
                i++;
            }
            else
            {
                Assert.True(ch != '\n', $"a bare LF outside quotes at {i}");
                cell.Append(ch);
            }
        }
        Assert.False(quoted, "the text ends inside a quoted cell");
        Assert.True(cell.Length == 0 && record.Count == 0, "the last record does not end with CRLF");
        return records;
    }
}
