using System.Reflection;
using System.Text.Json;
using System.Text.RegularExpressions;
using Azure.Storage.Queues;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using VoiceAgents.Functions.Infrastructure;

namespace VoiceAgents.Functions.LocalRunner;

/// <summary>
/// Serves the Functions app's own function classes without Core Tools: HTTP routes and verbs from
/// <c>[HttpTrigger]</c> under host.json's <c>routePrefix</c>, queue triggers polled from Azurite with host.json's
/// queue rules, and the same DI registrations and worker middleware as <c>functions/Program.cs</c>.
/// </summary>
public static partial class LocalRunnerApp
{
    public const string DefaultUrl = "http://127.0.0.1:7071";
    private const string HttpContextKey = "HttpRequestContext";

    public static WebApplication Create(string[] args, IEnumerable<Assembly> functionAssemblies, Action<WebApplicationBuilder>? configure = null)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = args, ContentRootPath = AppContext.BaseDirectory });
        AddLocalSettings(builder.Configuration);
        if (string.IsNullOrEmpty(builder.Configuration["urls"]) && string.IsNullOrEmpty(builder.Configuration["ASPNETCORE_URLS"]))
        {
            builder.WebHost.UseUrls(DefaultUrl);
        }
        builder.WebHost.ConfigureKestrel(k => k.ConfigureEndpointDefaults(listen => listen.UseRejectedRequestProblems()));
        configure?.Invoke(builder);

        var host = HostSettings.Load(builder.Configuration["HostJsonPath"] ?? Path.Combine(AppContext.BaseDirectory, "host.json"));
        var catalog = new FunctionCatalog(functionAssemblies);
        builder.Services.AddVoiceAgentsApi(builder.Configuration);
        builder.Services.AddSingleton(catalog);
        builder.Services.AddSingleton(host);
        builder.Services.AddSingleton<FunctionInvoker>();
        builder.Services.AddCors(o => o.AddDefaultPolicy(p => p
            .WithOrigins((builder.Configuration["Host:CORS"] ?? "http://127.0.0.1:3000,http://localhost:3000").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            .AllowAnyHeader().AllowAnyMethod().AllowCredentials().WithExposedHeaders("Retry-After", "Location")));
        foreach (var function in catalog.Queue)
        {
            builder.Services.AddSingleton<IHostedService>(sp =>
            {
                var config = sp.GetRequiredService<IConfiguration>();
                if (IsDisabled(config, function.Name)) return new DisabledFunction();
                var connection = ConnectionString(config, function.Connection);
                var options = new QueueClientOptions { MessageEncoding = QueueMessageEncoding.Base64 };
                var name = Resolve(config, function.Queue);
                return ActivatorUtilities.CreateInstance<QueueTriggerListener>(sp, function,
                    new QueueClient(connection, name, options), new QueueClient(connection, name + "-poison", options));
            });
        }

        foreach (var function in catalog.Timers)
        {
            builder.Services.AddSingleton<IHostedService>(sp =>
            {
                var config = sp.GetRequiredService<IConfiguration>();
                var schedule = Schedule.Parse(Resolve(config, function.Schedule));
                return IsDisabled(config, function.Name) ? new DisabledFunction() : ActivatorUtilities.CreateInstance<TimerTriggerListener>(sp, function, schedule);
            });
        }

        var app = builder.Build();
        var rejections = RejectedRequestProblems.Observe(app.Services.GetRequiredService<System.Diagnostics.DiagnosticListener>());
        app.Lifetime.ApplicationStopped.Register(rejections.Dispose);
        app.UseCors();
        var prefix = host.RoutePrefix.Length == 0 ? "" : "/" + host.RoutePrefix;
        foreach (var function in catalog.Http)
        {
            app.MapMethods(prefix + "/" + function.Route, function.Verbs, (HttpContext http) => InvokeHttpAsync(http, function))
                .WithDisplayName(function.Name);
        }
        if (catalog.Fallback is { } unmatched)
        {
            // A catch-all route: endpoint routing tries it after every other route, and also when another route's path
            // matched but its method did not, as the Functions host does.
            app.MapMethods(prefix + "/" + unmatched.Route, unmatched.Verbs, (HttpContext http) => InvokeHttpAsync(http, unmatched))
                .WithDisplayName(unmatched.Name);
        }
        app.MapFallback(async http =>
        {
            var problem = new ProblemDetails { Status = 404, Title = "Not Found", Detail = $"No function serves {http.Request.Method} {http.Request.Path}." };
            await ProblemDetailsMiddleware.WriteAsync(http, problem);
        });
        return app;
    }

    private static async Task InvokeHttpAsync(HttpContext http, HttpFunction function)
    {
        var invoker = http.RequestServices.GetRequiredService<FunctionInvoker>();
        var routeValues = http.Request.RouteValues.ToDictionary(kv => kv.Key, kv => (object?)kv.Value?.ToString(), StringComparer.OrdinalIgnoreCase);
        var result = await invoker.InvokeAsync(
            function.Method,
            function.Name,
            (p, _) => p.ParameterType == typeof(HttpRequest) ? (true, http.Request) : (false, null),
            ctx => ctx.Items[HttpContextKey] = http,
            routeValues,
            0, 0,
            http.RequestAborted);
        if (http.Response.HasStarted) return;
        switch (result)
        {
            case IResult r:
                await r.ExecuteAsync(http);
                break;
            case null:
                break;
            default:
                http.Response.ContentType = "application/json";
                await JsonSerializer.SerializeAsync(http.Response.Body, result, result.GetType(), Core.Json.JsonDefaults.Options, http.RequestAborted);
                break;
        }
    }

    /// <summary>Core Tools exposes local.settings.json's Values as environment variables; the runner does the same.</summary>
    /// <remarks>Below them come <see cref="ApiSetup.DefaultAppSettings"/>, the defaults of the trigger attributes' <c>%Setting%</c>s.</remarks>
    private static void AddLocalSettings(ConfigurationManager configuration)
    {
        var values = ApiSetup.DefaultAppSettings.ToDictionary(kv => kv.Key, kv => (string?)kv.Value);
        var path = new[] { Path.Combine(Directory.GetCurrentDirectory(), "local.settings.json"), Path.Combine(AppContext.BaseDirectory, "local.settings.json") }
            .FirstOrDefault(File.Exists);
        if (path is not null)
        {
            using var doc = JsonDocument.Parse(File.ReadAllText(path));
            if (doc.RootElement.TryGetProperty("Values", out var v))
            {
                foreach (var p in v.EnumerateObject()) values[p.Name.Replace("__", ":", StringComparison.Ordinal)] = p.Value.ToString();
            }
            if (doc.RootElement.TryGetProperty("Host", out var h) && h.TryGetProperty("CORS", out var cors)) values["Host:CORS"] = cors.GetString();
        }
        // Environment variables still win, as they do over local.settings.json under Core Tools.
        var sources = configuration.Sources.ToList();
        configuration.Sources.Clear();
        configuration.AddInMemoryCollection(values);
        foreach (var s in sources) configuration.Sources.Add(s);
    }

    private static string ConnectionString(IConfiguration config, string? setting)
    {
        var name = string.IsNullOrEmpty(setting) ? "AzureWebJobsStorage" : setting;
        return config[name] ?? config[$"ConnectionStrings:{name}"] ?? config["Queues:ConnectionString"]
            ?? throw new InvalidOperationException($"No connection string in setting '{name}'.");
    }

    /// <summary>Resolves <c>%Setting%</c> in trigger arguments from configuration, as the host does.</summary>
    public static string Resolve(IConfiguration config, string value) =>
        SettingPattern().Replace(value, m => config[m.Groups[1].Value] ?? throw new InvalidOperationException($"Setting '{m.Groups[1].Value}' is not defined."));

    /// <summary>The host's switch for a function: the app setting <c>AzureWebJobs.{Name}.Disabled=true</c>.</summary>
    private static bool IsDisabled(IConfiguration config, string name) =>
        bool.TryParse(config[$"AzureWebJobs.{name}.Disabled"] ?? config[$"AzureWebJobs:{name}:Disabled"], out var disabled) && disabled;

    /// <summary>A function turned off with <c>AzureWebJobs.{Name}.Disabled</c>.</summary>
    private sealed class DisabledFunction : IHostedService
    {
        public Task StartAsync(CancellationToken ct) => Task.CompletedTask;

        public Task StopAsync(CancellationToken ct) => Task.CompletedTask;
    }

    [GeneratedRegex("%([^%]+)%")]
    private static partial Regex SettingPattern();
}
