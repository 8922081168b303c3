namespace VoiceAgents.Tests.Infrastructure;

/// <summary>Assertions on a <see cref="VoiceClient"/>, kept out of it because bench/Tts compiles that file without xunit.</summary>
public static class VoiceClientAssertions
{
    /// <summary>Waits for voice-host to close the call and checks its close code and a part of its reason.</summary>
    public static async Task AssertClosedAsync(this VoiceClient client, int code, string reasonPart)
    {
        await client.Closed.Task.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal(code, (int)client.CloseStatus!);
        Assert.Contains(reasonPart, client.CloseReason ?? "", StringComparison.OrdinalIgnoreCase);
    }
}
