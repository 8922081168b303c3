using VoiceAgents.VoiceHost;

if (args is ["call", ..])
{
    // The command-line caller is a project of its own now; say where rather than start a server.
    Console.Error.WriteLine("call: the caller moved out of voice-host: dotnet run --project tools/VoiceAgents.Cli -- call --agent ID --wav in.wav --out reply.wav");
    return 2;
}

VoiceHostApp.Create(args).Run();
return 0;
