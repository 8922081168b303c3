using VoiceAgents.Core.Errors;
using Zxcvbn.Matcher;

namespace VoiceAgents.Functions.Auth;

/// <summary>
/// What a new password must be: at least <see cref="PasswordService.MinLength"/> characters and, by the zxcvbn
/// estimator (its dictionaries of common passwords, words and names, keyboard patterns, sequences, repeats and
/// dates, plus the account's own email, name and organization), not guessable in under about 10^6 seconds of
/// online guessing: score 3 or better. The error says which common parts made it weak.
/// </summary>
public static class PasswordPolicy
{
    public const int MinScore = 3;
    public const int MaxLength = 1024;

    /// <summary>
    /// zxcvbn's matching grows faster than linearly (a 1,024-character password takes seconds), so only the start is
    /// estimated; 64 characters that pass are strong whatever follows.
    /// </summary>
    private const int EstimatedLength = 64;

    /// <summary>The cheap checks: present, at least <see cref="PasswordService.MinLength"/> and at most <see cref="MaxLength"/> characters.</summary>
    public static bool ValidateLength(Validation v, string field, string? password)
    {
        if (!v.Required(field, password, MaxLength)) return false;
        if (password!.Length < PasswordService.MinLength)
        {
            v.Add(field, $"must be at least {PasswordService.MinLength} characters.");
            return false;
        }
        return true;
    }

    /// <summary>
    /// Adds an error for <paramref name="field"/> unless zxcvbn scores the password <see cref="MinScore"/> or better,
    /// taking the account's own words (<paramref name="userInputs"/>: email, name, organization) as guessable.
    /// </summary>
    public static bool ValidateStrength(Validation v, string field, string password, params string?[] userInputs)
    {
        var inputs = userInputs.Where(i => !string.IsNullOrWhiteSpace(i))
            .SelectMany(i => i!.Split(['@', '.', ' ', '-', '_'], StringSplitOptions.RemoveEmptyEntries).Append(i!))
            .Where(i => i.Length >= 3)
            .Select(i => i.ToLowerInvariant())
            .Distinct()
            .ToList();
        var result = Zxcvbn.Zxcvbn.MatchPassword(password.Length > EstimatedLength ? password[..EstimatedLength] : password, inputs);
        if (result.Score >= MinScore) return true;
        var weak = result.MatchSequence.Select(Describe).OfType<string>().Distinct().Take(3).ToList();
        v.Add(field, weak.Count > 0
            ? $"is too easy to guess: it is built from {string.Join(", ", weak)}. Use a longer passphrase of several uncommon words."
            : "is too easy to guess. Use a longer passphrase of several uncommon words.");
        return false;
    }

    private static string? Describe(Zxcvbn.Match m) => m switch
    {
        DictionaryMatch { DictionaryName: "user_inputs" } => "your own email, name or organization",
        DictionaryMatch { DictionaryName: "passwords" } d => $"the common password '{d.Token}'",
        DictionaryMatch d => $"the common word or name '{d.Token}'",
        _ => m.Pattern switch
        {
            "sequence" => $"the sequence '{m.Token}'",
            "repeat" => $"the repeated characters '{m.Token}'",
            "spatial" => $"the keyboard pattern '{m.Token}'",
            "date" => $"the date '{m.Token}'",
            _ => null,
        },
    };
}
