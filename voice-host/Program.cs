using VoiceAgents.VoiceHost;

VoiceHostApp.Create(args).Run();
