using System.Collections.Concurrent;
using Microsoft.Azure.Functions.Worker;

namespace VoiceAgents.Tests.Runner;

public sealed record ProbeMessage(string Key, int FailTimes);

/// <summary>A queue-triggered function that fails a chosen number of times, to exercise the runner's queue rules.</summary>
public sealed class ProbeFunctions
{
    public static readonly ConcurrentDictionary<string, int> Attempts = new();
    public static readonly ConcurrentDictionary<string, int> Successes = new();

    [Function("Probe")]
    public Task Run([QueueTrigger("%ProbeQueue%")] ProbeMessage message, FunctionContext context)
    {
        var attempt = Attempts.AddOrUpdate(message.Key, 1, (_, n) => n + 1);
        if (attempt <= message.FailTimes)
        {
            throw new InvalidOperationException($"probe {message.Key} fails on attempt {attempt}");
        }
        Successes.AddOrUpdate(message.Key, 1, (_, n) => n + 1);
        return Task.CompletedTask;
    }
}
