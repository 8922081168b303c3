using VoiceAgents.Functions.Infrastructure;
using VoiceAgents.Functions.LocalRunner;

var app = LocalRunnerApp.Create(args, [typeof(ApiSetup).Assembly]);
app.Run();
