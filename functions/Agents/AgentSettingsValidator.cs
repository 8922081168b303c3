using VoiceAgents.Core.Domain;
using VoiceAgents.Core.Errors;
using VoiceAgents.Core.Telephony;

namespace VoiceAgents.Functions.Agents;

/// <summary>An agent's transfer destinations, silence, maximum duration and time zone.</summary>
public static class AgentSettingsValidator
{
    public const int MaxDestinations = 20;
    public const int MaxRepromptAfterS = 600;
    public const int MaxHangupAfterS = 3_600;
    public const int MinDurationS = 10;
    /// <summary>The platform's own limit (voice-host's <c>MaxCallDuration</c>) still ends a call first when it is shorter.</summary>
    public const int MaxDurationS = 14_400;
    public const int MaxMinWords = 10;
    public const int MaxMinDurationMs = 5_000;
    public const int MaxResumeAfterMs = 10_000;
    public const int MaxBackchannels = 50;
    public const int MaxHoldWords = 200;

    public static void Validate(Validation v, AgentRequest r)
    {
        Destinations(v, r.TransferDestinations);
        if (r.Silence is { } s)
        {
            v.Range("silence.reprompt_after_s", s.RepromptAfterS, 1, MaxRepromptAfterS);
            v.Range("silence.hangup_after_s", s.HangupAfterS, 1, MaxHangupAfterS);
            if (s.RepromptAfterS is { } reprompt && s.HangupAfterS is { } hangup && hangup <= reprompt)
            {
                v.Add("silence.hangup_after_s", "must be longer than reprompt_after_s.");
            }
            if (v.MaxLength("silence.reprompt_message", s.RepromptMessage, 1_000)) AgentValidator.Template(v, "silence.reprompt_message", s.RepromptMessage);
            if (s.RepromptAfterS is not null && string.IsNullOrWhiteSpace(s.RepromptMessage)) v.Add("silence.reprompt_message", "is required to reprompt.");
        }
        Interruption(v, r.Interruption);
        Turn(v, r.Turn);
        v.Range("max_duration_s", r.MaxDurationS, MinDurationS, MaxDurationS);
        if (v.MaxLength("max_duration_message", r.MaxDurationMessage, 1_000)) AgentValidator.Template(v, "max_duration_message", r.MaxDurationMessage);
        if (!string.IsNullOrWhiteSpace(r.TimeZone)
            && !(TimeZoneInfo.TryFindSystemTimeZoneById(r.TimeZone.Trim(), out var zone) && zone.HasIanaId))
        {
            v.Add("time_zone", "must be an IANA time zone such as Europe/London.");
        }
    }

    private static void Interruption(Validation v, InterruptionDto? i)
    {
        if (i is null) return;
        v.Range("interruption.min_words", i.MinWords, 0, MaxMinWords);
        v.Range("interruption.min_duration_ms", i.MinDurationMs, 0, MaxMinDurationMs);
        v.Range("interruption.resume_after_ms", i.ResumeAfterMs, 0, MaxResumeAfterMs);
        if (i.Backchannels is not { } phrases) return;
        if (phrases.Count > MaxBackchannels) v.Add("interruption.backchannels", $"must have at most {MaxBackchannels} phrases.");
        for (var n = 0; n < phrases.Count && n < MaxBackchannels; n++) v.Required($"interruption.backchannels[{n}]", phrases[n], 50);
    }

    private static void Turn(Validation v, TurnDto? t)
    {
        if (t is null) return;
        if (t.Mode is { } mode && mode.Trim().ToLowerInvariant() is not (TurnSettings.Fixed or TurnSettings.Adaptive))
        {
            v.Add("turn.mode", $"must be '{TurnSettings.Fixed}' or '{TurnSettings.Adaptive}'.");
        }
        v.Range("turn.wait_ms", t.WaitMs, TurnSettings.MinWaitMs, TurnSettings.MaxWaitMs);
        v.Range("turn.short_wait_ms", t.ShortWaitMs, TurnSettings.MinShortWaitMs, TurnSettings.MaxWaitMs);
        v.Range("turn.long_wait_ms", t.LongWaitMs, TurnSettings.MinShortWaitMs, TurnSettings.MaxWaitMs);
        if ((t.ShortWaitMs ?? TurnSettings.DefaultShortWaitMs) > (t.LongWaitMs ?? TurnSettings.DefaultLongWaitMs))
        {
            v.Add("turn.long_wait_ms", "must not be shorter than short_wait_ms.");
        }
        if (t.HoldWords is not { } words) return;
        if (words.Count > MaxHoldWords) v.Add("turn.hold_words", $"must have at most {MaxHoldWords} words.");
        for (var n = 0; n < words.Count && n < MaxHoldWords; n++) v.Required($"turn.hold_words[{n}]", words[n], 50);
    }

    private static void Destinations(Validation v, IReadOnlyList<TransferDestinationDto?>? destinations)
    {
        if (destinations is null) return;
        if (destinations.Count > MaxDestinations) v.Add("transfer_destinations", $"must have at most {MaxDestinations} destinations.");
        var names = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        for (var i = 0; i < destinations.Count && i < MaxDestinations; i++)
        {
            var f = $"transfer_destinations[{i}]";
            if (destinations[i] is not { } d)
            {
                v.Add(f, "must be an object.");
                continue;
            }
            if (v.Required($"{f}.name", d.Name, 64))
            {
                if (!AgentToolsValidator.NamePattern().IsMatch(d.Name!.Trim())) v.Add($"{f}.name", "must be 1 to 64 letters, digits, '_' or '-'.");
                else if (!names.Add(d.Name.Trim())) v.Add($"{f}.name", "must be unique among the agent's destinations.");
            }
            if (!PhoneNumbers.IsValid(d.PhoneNumber?.Trim())) v.Add($"{f}.phone_number", "must be an E.164 number such as +14155550123.");
            v.MaxLength($"{f}.description", d.Description, 1_000);
            v.MaxLength($"{f}.message", d.Message, 1_000);
        }
    }
}
