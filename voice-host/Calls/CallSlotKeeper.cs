using System.Collections.Concurrent;
using Microsoft.Extensions.Options;
using VoiceAgents.Core.Calls;

namespace VoiceAgents.VoiceHost.Calls;

/// <summary>
/// Keeps this instance's tenant slots alive and gives back those of instances that died: every third of
/// <see cref="CallSlotOptions.Lease"/> it renews the leases it holds and reaps the ones that ran out. A voice-host
/// killed with calls in progress so holds its tenants' slots for at most one lease (3 min by default).
/// </summary>
public sealed partial class CallSlotKeeper(TenantCallSlots slots, IOptions<CallSlotOptions> options, TimeProvider time, ILogger<CallSlotKeeper> log)
    : BackgroundService
{
    private readonly ConcurrentQueue<string> _unreleased = new();

    /// <summary>This process, as the holder of its slots.</summary>
    public string Holder { get; } = $"{Environment.MachineName}:{Guid.NewGuid():N}";

    /// <summary>Gives back the slot of an ended call; if MongoDB is down it is tried again each period (it would otherwise be renewed forever).</summary>
    public async Task ReleaseAsync(string callId)
    {
        try
        {
            await slots.ReleaseForCallAsync(callId, CancellationToken.None);
        }
        catch (Exception e)
        {
            LogFailed(e);
            _unreleased.Enqueue(callId);
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.Value.Lease / 3, time);
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                for (var n = _unreleased.Count; n > 0 && _unreleased.TryPeek(out var callId); n--)
                {
                    await slots.ReleaseForCallAsync(callId, stoppingToken);
                    _unreleased.TryDequeue(out _);
                }
                await slots.RenewAsync(Holder, stoppingToken);
                var reaped = await slots.ReapExpiredAsync(stoppingToken);
                if (reaped > 0) LogReaped(reaped);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                // MongoDB is down: the leases have two more periods before they run out.
                LogFailed(e);
            }
            try
            {
                await timer.WaitForNextTickAsync(stoppingToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Gave back {Slots} tenant call slots whose voice-host stopped renewing them")]
    private partial void LogReaped(int slots);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Renewing or reaping tenant call slots failed")]
    private partial void LogFailed(Exception e);
}
