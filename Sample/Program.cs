using System.Text;
using RnnGen.Sample;

// The console entry point: everything else is SampleApp, so tests run the same commands in-process.
Console.OutputEncoding = Encoding.UTF8;
using var stop = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) =>
{
    // The first Ctrl+C asks training to stop and keep what it learned; a second one ends the process.
    if (stop.IsCancellationRequested) return;
    e.Cancel = true;
    stop.Cancel();
};
bool terminal = Environment.GetEnvironmentVariable("TERM") != "dumb";
bool interactive = !Console.IsOutputRedirected && terminal;
bool errorInteractive = !Console.IsErrorRedirected && terminal;
return SampleApp.Run(args, Console.Out, Console.Error, Environment.CurrentDirectory, interactive, stop.Token, errorInteractive);
