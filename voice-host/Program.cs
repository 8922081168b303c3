using VoiceAgents.Core.Logging;
using VoiceAgents.VoiceHost;

var builder = WebApplication.CreateBuilder(args);
if (string.IsNullOrEmpty(builder.Configuration["urls"]) && string.IsNullOrEmpty(builder.Configuration["ASPNETCORE_URLS"]))
{
    builder.WebHost.UseUrls("http://127.0.0.1:7860");
}
builder.Services.AddJsonLogging(builder.Configuration, "voice-host");
builder.Services.AddVoiceHost();

var app = builder.Build();
app.MapVoiceHostHealth();
app.Run();

public partial class Program;
