using VoiceAgents.Core.Domain;
using VoiceAgents.Core.Queues;
using VoiceAgents.Functions.PostCall;

namespace VoiceAgents.Tests.PostCall;

/// <summary>What the <c>call.completed</c> event tells webhooks about a call.</summary>
public sealed class CompletedEventTests
{
    [Fact]
    public void The_call_completed_event_lists_the_calls_tool_calls_in_order()
    {
        var at = new DateTime(2026, 1, 1, 0, 0, 0, DateTimeKind.Utc);
        var message = new CallCompletedMessage("c1", "s", "t", "a", null, null, at, at.AddSeconds(30), 30, CallStatus.Completed, "caller_ended", null, [], null);
        TranscriptTurn[] turns =
        [
            new() { Speaker = "user", Text = "A table for two." },
            new() { Speaker = "tool", Text = "book", Tool = new ToolCallRecord { Name = "book", Arguments = """{"party":"two"}""", Result = """{"reference":"AB12"}""", DurationMs = 41.5, Ok = true } },
            new() { Speaker = "tool", Text = "notify", Tool = new ToolCallRecord { Name = "notify", Error = "The tool answered HTTP 503.", DurationMs = 12, Ok = false } },
            new() { Speaker = "assistant", Text = "Booked." },
        ];

        var data = StoreCallHandler.CompletedEvent(message, "c1", null, [], turns).Data;

        var calls = data["tool_calls"]!.AsArray();
        Assert.Equal(["book", "notify"], calls.Select(c => c!["name"]!.GetValue<string>()));
        Assert.Equal(("""{"party":"two"}""", """{"reference":"AB12"}""", true, 41.5),
            (calls[0]!["arguments"]!.GetValue<string>(), calls[0]!["result"]!.GetValue<string>(), calls[0]!["ok"]!.GetValue<bool>(), calls[0]!["duration_ms"]!.GetValue<double>()));
        Assert.Equal("The tool answered HTTP 503.", calls[1]!["error"]!.GetValue<string>());
    }
}
