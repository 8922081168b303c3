using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using VoiceAgents.Core.Telemetry;
using VoiceAgents.Tests.Infrastructure;

namespace VoiceAgents.Tests.Observability;

/// <summary>The API's requests are timed and counted per function and status, so latency and error rate are per endpoint.</summary>
public sealed class ApiMetricsTests(ApiFixture api) : IClassFixture<ApiFixture>
{
    [Fact]
    public async Task Each_api_request_is_timed_and_counted_by_function_and_status()
    {
        var durations = new ConcurrentBag<(double Ms, string? Function, int? Status, bool? Error)>();
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Name == ApiMetrics.MeterName && instrument.Name == "api.request.duration") l.EnableMeasurementEvents(instrument);
        };
        listener.SetMeasurementEventCallback<double>((_, value, tags, _) =>
        {
            string? function = null;
            int? status = null;
            bool? error = null;
            foreach (var tag in tags)
            {
                if (tag.Key == "function") function = tag.Value as string;
                if (tag.Key == "status") status = tag.Value as int?;
                if (tag.Key == "error") error = tag.Value as bool?;
            }
            durations.Add((value, function, status, error));
        });
        listener.Start();

        using var anonymous = api.Client();
        using (var health = await anonymous.GetAsync("health")) Assert.True(health.IsSuccessStatusCode);
        using (var refused = await anonymous.GetAsync("agents")) Assert.Equal(401, (int)refused.StatusCode);

        // Other tests call the API at the same time: look for these two among everything measured.
        Assert.Contains(durations, d => d is { Function: "Health", Status: 200, Error: false } && d.Ms > 0);
        Assert.Contains(durations, d => d is { Function: "ListAgents", Status: 401, Error: false } && d.Ms > 0);
    }
}
