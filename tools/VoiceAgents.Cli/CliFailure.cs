namespace VoiceAgents.Cli;

/// <summary>A failure the command reports with a message and an exit code.</summary>
internal sealed class CliFailure(int exitCode, string message) : Exception(message)
{
    public int ExitCode { get; } = exitCode;
}
