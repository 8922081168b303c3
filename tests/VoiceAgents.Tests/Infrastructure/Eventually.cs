namespace VoiceAgents.Tests.Infrastructure;

/// <summary>Retries an assertion until it passes or the time is up, then rethrows its last failure.</summary>
public static class Eventually
{
    public static Task Assert(Action assertion, TimeSpan timeout) => Assert(() =>
    {
        assertion();
        return Task.CompletedTask;
    }, timeout);

    public static async Task Assert(Func<Task> assertion, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            try
            {
                await assertion();
                return;
            }
            catch (Exception) when (DateTime.UtcNow < deadline)
            {
                await Task.Delay(200);
            }
        }
    }
}
