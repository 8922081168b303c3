namespace VoiceAgents.Core.Errors;

/// <summary>A feature this deployment has not been set up for (a setting the operator has not given).</summary>
public sealed class ServiceUnavailableException(string detail) : ApiException(503, "Service Unavailable", detail);
