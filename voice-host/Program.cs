using VoiceAgents.VoiceHost;
using VoiceAgents.VoiceHost.Cli;


if (args.Length > 0 && args[0] == "call")
{
    using var cancel = new CancellationTokenSource();
    Console.CancelKeyPress += (_, e) =>
    {
        e.Cancel = true;
        cancel.Cancel();
    };
    return await CallCommand.RunAsync(args[1..], Console.Out, Console.Error, cancel.Token);
}

VoiceHostApp.Create(args).Run();
return 0;
