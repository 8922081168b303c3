using Azure.Storage.Queues;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using VoiceAgents.Core.Auth;
using VoiceAgents.Core.CallLogs;
using VoiceAgents.Core.Data;
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
            });
        services.AddOptions<JwtOptions>().BindConfiguration(JwtOptions.Section).ValidateDataAnnotations().ValidateOnStart();

        services.AddSingleton<MongoContext>();
        services.AddSingleton<S3ObjectStore>();
        services.AddSingleton<IObjectStore>(sp => sp.GetRequiredService<S3ObjectStore>());
        services.AddSingleton(sp => new QueueServiceClient(
            sp.GetRequiredService<IOptions<QueueOptions>>().Value.ConnectionString,
            new QueueClientOptions { MessageEncoding = QueueMessageEncoding.Base64 }));
        services.AddSingleton<TokenService>();
        services.AddSingleton<PasswordService>();
        services.AddSingleton<CallRecords>();
        services.AddScoped<CurrentUser>();
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

/// <summary>Creates indexes and the bucket at start. Idempotent; a store that is down is retried, not fatal.</summary>
internal sealed class StorageInitializer(MongoContext db, IObjectStore store, Microsoft.Extensions.Logging.ILogger<StorageInitializer> log) : IHostedService
{
    public async Task StartAsync(CancellationToken ct)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await MongoIndexes.EnsureAsync(db, ct);
                await store.EnsureBucketAsync(ct);
                return;
            }
            catch (Exception e) when (attempt < 5 && !ct.IsCancellationRequested)
            {
                Microsoft.Extensions.Logging.LoggerExtensions.LogWarning(log, e, "Storage not ready (attempt {Attempt}); retrying", attempt);
                await Task.Delay(TimeSpan.FromSeconds(attempt), ct);
            }
        }
    }

    public Task StopAsync(CancellationToken ct) => Task.CompletedTask;
}
