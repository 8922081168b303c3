using VoiceAgents.Cli;

// `call` names the one command there is; it may be left out.
using var cancel = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) =>
{
    e.Cancel = true;
    cancel.Cancel();
};
return await CallCommand.RunAsync(args is ["call", .. var rest] ? rest : args, Console.Out, Console.Error, cancel.Token);
