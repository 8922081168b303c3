using VoiceAgents.Core.Logging;

namespace VoiceAgents.VoiceHost;

/// <summary>Builds the voice-host web application; Program.cs and the tests start the same thing.</summary>
public static class VoiceHostApp
{
    public const string DefaultUrl = "http://127.0.0.1:7860";

    public static WebApplication Create(string[] args, Action<WebApplicationBuilder>? configure = null)
    {
        var builder = WebApplication.CreateBuilder(args);
        if (string.IsNullOrEmpty(builder.Configuration["urls"]) && string.IsNullOrEmpty(builder.Configuration["ASPNETCORE_URLS"]))
        {
            builder.WebHost.UseUrls(DefaultUrl);
        }
        builder.WebHost.ConfigureKestrel(k =>
        {
            // A slow client cannot hold a connection open by trickling its request.
            k.Limits.RequestHeadersTimeout = TimeSpan.FromSeconds(10);
            k.Limits.KeepAliveTimeout = TimeSpan.FromSeconds(30);
        });
        builder.Services.AddJsonLogging(builder.Configuration, "voice-host");
        builder.Services.AddVoiceHost(builder.Configuration);
        configure?.Invoke(builder);

        var app = builder.Build();
        app.MapVoiceHost();
        return app;
    }
}
