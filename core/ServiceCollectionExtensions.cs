using Azure.Storage.Queues;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using VoiceAgents.Core.Auth;
using VoiceAgents.Core.Calls;
using VoiceAgents.Core.Credentials;
using VoiceAgents.Core.Data;
using VoiceAgents.Core.Events;
using VoiceAgents.Core.Queues;
using VoiceAgents.Core.Storage;

namespace VoiceAgents.Core;

public static class ServiceCollectionExtensions
{
    /// <summary>Options, MongoDB, S3, queues and token validation, shared by the Functions app and voice-host.</summary>
    public static IServiceCollection AddVoiceAgentsCore(this IServiceCollection services)
    {
        services.TryAddSingletonTimeProvider();
        services.AddOptions<MongoOptions>().BindConfiguration(MongoOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<S3Options>().BindConfiguration(S3Options.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<QueueOptions>().BindConfiguration(QueueOptions.Section)
            .PostConfigure<IConfiguration>((o, config) =>
            {
                // The Functions host calls its storage AzureWebJobsStorage; one setting serves both.
                if (string.IsNullOrEmpty(o.ConnectionString)) o.ConnectionString = config["AzureWebJobsStorage"] ?? "UseDevelopmentStorage=true";
                if (config[QueueNames.CallCompletedSetting] is { Length: > 0 } name) o.CallCompletedQueue = name;
                if (config[QueueNames.EventsSetting] is { Length: > 0 } events) o.EventsQueue = events;
                if (config[QueueNames.WebhookDeliveriesSetting] is { Length: > 0 } deliveries) o.WebhookDeliveriesQueue = deliveries;
                if (config[QueueNames.CallAnalysisSetting] is { Length: > 0 } analysis) o.CallAnalysisQueue = analysis;
            });
        services.AddOptions<JwtOptions>().BindConfiguration(JwtOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<CredentialOptions>().BindConfiguration(CredentialOptions.Section).ValidateDataAnnotations()
            .Validate(o => string.IsNullOrEmpty(o.ActiveKeyId) || o.MasterKeys.ContainsKey(o.ActiveKeyId), "Credentials:ActiveKeyId must name one of Credentials:MasterKeys.")
            .ValidateOnStart();
        services.AddOptions<CallSlotOptions>().BindConfiguration(CallSlotOptions.Section).ValidateDataAnnotations().ValidateOnStart();

        services.AddSingleton<MongoContext>();
        services.AddSingleton<S3ObjectStore>();
        services.AddSingleton<IObjectStore>(sp => sp.GetRequiredService<S3ObjectStore>());
        services.AddSingleton(sp => new QueueServiceClient(
            sp.GetRequiredService<IOptions<QueueOptions>>().Value.ConnectionString,
            new QueueClientOptions { MessageEncoding = QueueMessageEncoding.Base64 }));
        services.AddHybridCache();
        services.AddSingleton<UserTokenVersions>();
        services.AddSingleton<TokenService>();
        services.AddSingleton<TenantCallSlots>();
        services.AddSingleton<CredentialCipher>();
        services.AddSingleton<TenantProviderKeys>();
        services.AddSingleton<CredentialRotation>();
        services.AddSingleton<IEventQueue, StorageEventQueue>();
        services.AddHostedService<StorageInitializer>();
        return services;
    }

    private static void TryAddSingletonTimeProvider(this IServiceCollection services)
    {
        if (!services.Any(d => d.ServiceType == typeof(TimeProvider)))
        {
            services.AddSingleton(TimeProvider.System);
        }
    }
}

/// <summary>
/// Creates indexes and the bucket at start. Each store gets one attempt while the host starts, so a healthy stack
/// is ready before the first request; a store that is down is retried in the background (backing off to 30 s)
/// instead of blocking or failing start-up, so the app still serves <c>/api/health</c> and reports it.
/// </summary>
internal sealed class StorageInitializer(MongoContext db, IObjectStore store, Microsoft.Extensions.Logging.ILogger<StorageInitializer> log) : IHostedService
{
    private readonly CancellationTokenSource _stopping = new();
    private readonly List<Task> _retries = [];

    public async Task StartAsync(CancellationToken ct)
    {
        var mongo = InitializeAsync("MongoDB", c => MongoIndexes.EnsureAsync(db, c), ct);
        var s3 = InitializeAsync("S3", store.EnsureBucketAsync, ct);
        await Task.WhenAll(mongo, s3);
    }

    private async Task InitializeAsync(string name, Func<CancellationToken, Task> initialize, CancellationToken ct)
    {
        try
        {
            await initialize(ct);
        }
        catch (Exception e) when (!ct.IsCancellationRequested)
        {
            Microsoft.Extensions.Logging.LoggerExtensions.LogWarning(log, e, "{Store} not ready at start; retrying in the background", name);
            lock (_retries) _retries.Add(RetryAsync(name, initialize, _stopping.Token));
        }
    }

    private async Task RetryAsync(string name, Func<CancellationToken, Task> initialize, CancellationToken ct)
    {
        for (var attempt = 2; !ct.IsCancellationRequested; attempt++)
        {
            try
            {
                await Task.Delay(TimeSpan.FromSeconds(Math.Min(30, Math.Pow(2, attempt - 2))), ct);
                await initialize(ct);
                Microsoft.Extensions.Logging.LoggerExtensions.LogInformation(log, "{Store} initialized on attempt {Attempt}", name, attempt);
                return;
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                Microsoft.Extensions.Logging.LoggerExtensions.LogWarning(log, e, "{Store} not ready (attempt {Attempt}); retrying", name, attempt);
            }
        }
    }

    public async Task StopAsync(CancellationToken ct)
    {
        await _stopping.CancelAsync();
        Task[] retries;
        lock (_retries) retries = [.. _retries];
        await Task.WhenAll(retries).WaitAsync(ct);
    }
}
