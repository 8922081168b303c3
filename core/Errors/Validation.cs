namespace VoiceAgents.Core.Errors;

/// <summary>Collects per-field errors and throws one <see cref="ValidationException"/> holding them all.</summary>
public sealed class Validation
{
    private readonly Dictionary<string, List<string>> _errors = new(StringComparer.Ordinal);

    public bool IsValid => _errors.Count == 0;

    public Validation Add(string field, string message)
    {
        if (!_errors.TryGetValue(field, out var list))
        {
            _errors[field] = list = [];
        }
        list.Add(message);
        return this;
    }

    public bool Required(string field, string? value, int maxLength = 200)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            Add(field, "is required.");
            return false;
        }
        return MaxLength(field, value, maxLength);
    }

    public bool Required<T>(string field, T? value) where T : class
    {
        // C# picks this overload for Required(field, aString) (no optional argument beats a generic), so a string
        // that lands here still gets the blank and length checks.
        if (value is string text) return Required(field, text, 200);
        if (value is null)
        {
            Add(field, "is required.");
            return false;
        }
        return true;
    }

    public bool MaxLength(string field, string? value, int maxLength)
    {
        if (value is not null && value.Length > maxLength)
        {
            Add(field, $"must be at most {maxLength} characters.");
            return false;
        }
        return true;
    }

    public bool Range(string field, double? value, double min, double max)
    {
        if (value is { } v && (double.IsNaN(v) || v < min || v > max))
        {
            Add(field, $"must be between {min} and {max}.");
            return false;
        }
        return true;
    }

    /// <summary>A valid address in the sense of <see cref="Auth.EmailAddress"/>; the normalised form when it is one.</summary>
    public string? Email(string field, string? value)
    {
        if (!Required(field, value, Auth.EmailAddress.MaxLength)) return null;
        var normalized = Auth.EmailAddress.TryNormalize(value, out var problem);
        if (normalized is null) Add(field, problem!);
        return normalized;
    }

    public bool OneOf(string field, string? value, IReadOnlyCollection<string> allowed)
    {
        if (value is null) return true;
        if (!allowed.Contains(value))
        {
            Add(field, $"must be one of: {string.Join(", ", allowed)}.");
            return false;
        }
        return true;
    }

    public void ThrowIfInvalid()
    {
        if (!IsValid)
        {
            throw new ValidationException(_errors.ToDictionary(e => e.Key, e => e.Value.ToArray()));
        }
    }
}
