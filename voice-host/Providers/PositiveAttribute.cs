using System.ComponentModel.DataAnnotations;

namespace VoiceAgents.VoiceHost.Providers;

/// <summary>A <see cref="TimeSpan"/> setting that must be above zero: a timeout of zero would fail every call.</summary>
[AttributeUsage(AttributeTargets.Property)]
public sealed class PositiveAttribute() : ValidationAttribute("{0} must be positive.")
{
    public override bool IsValid(object? value) => value is TimeSpan t && t > TimeSpan.Zero;
}
