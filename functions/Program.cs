using Microsoft.Azure.Functions.Worker.Builder;
using Microsoft.Extensions.Hosting;
using VoiceAgents.Functions.Infrastructure;

var builder = FunctionsApplication.CreateBuilder(args);
builder.ConfigureFunctionsWebApplication();
builder.UseVoiceAgentsMiddleware();
builder.Services.AddVoiceAgentsApi(builder.Configuration);
builder.Build().Run();
