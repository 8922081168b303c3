using VoiceAgents.Core.Calls;
using VoiceAgents.Core.Domain;
using VoiceAgents.Core.Errors;
using VoiceAgents.Core.Telephony;

namespace VoiceAgents.Functions.Campaigns;

/// <summary>A campaign's <c>contacts</c>: E.164 numbers, each once, with variables within <see cref="CallVariables"/>' limits.</summary>
public static class CampaignContacts
{
    /// <summary>Errors past this many are counted, not listed, as for <c>phone_numbers</c>.</summary>
    private const int MaxReported = 50;

    public static List<CampaignContact> Validate(IReadOnlyList<CampaignContactDto?>? contacts, Validation v)
    {
        var result = new List<CampaignContact>();
        if (contacts is null) return result;
        if (contacts.Count > PhoneNumbers.MaxPerCampaign)
        {
            v.Add("contacts", $"must have at most {PhoneNumbers.MaxPerCampaign} contacts.");
            return result;
        }
        var reported = 0;
        var seen = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < contacts.Count; i++)
        {
            var f = $"contacts[{i}]";
            if (contacts[i] is not { } c)
            {
                if (reported++ < MaxReported) v.Add(f, "must be an object.");
                continue;
            }
            // The same normalizer as phone_numbers', so "+1 415 555 0100" and "+14155550100" are one number.
            var one = new Validation();
            var number = PhoneNumbers.Normalize([c.PhoneNumber], one, $"{f}.phone_number") is [var n] ? n : null;
            var variables = c.Variables?.ToDictionary(x => x.Key, x => x.Value!, StringComparer.Ordinal) ?? [];
            string? problem = null;
            if (number is null) problem = $"'{c.PhoneNumber}' is not an E.164 number such as +14155550123.";
            else if (!seen.Add(number)) problem = $"{number} is already a contact; a number has one set of variables.";
            if (problem is not null)
            {
                if (reported++ < MaxReported) v.Add($"{f}.phone_number", problem);
                continue;
            }
            if ((c.Variables?.Any(x => x.Value is null) == true ? "variable values must be strings" : CallVariables.Problem(variables)) is { } bad)
            {
                if (reported++ < MaxReported) v.Add($"{f}.variables", bad + ".");
                continue;
            }
            result.Add(new CampaignContact { PhoneNumber = number!, Variables = variables });
        }
        if (reported > MaxReported) v.Add("contacts", $"{reported} contacts are not valid.");
        return result;
    }
}
