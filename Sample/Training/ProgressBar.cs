using System.Diagnostics;

namespace RnnGen.Sample.Training;

/// <summary>
/// A one-line progress bar. On a terminal it redraws in place (carriage return, at most ten times a second); when
/// output is redirected to a file or a pipe it prints a plain line at every tenth of the way instead, so logs stay
/// readable.
/// </summary>
public sealed class ProgressBar
{
    private const int BarWidth = 24;
    private readonly TextWriter _out;
    private readonly bool _interactive;
    private readonly int _width;
    private readonly Stopwatch _sinceDraw = new();
    private int _lastLength;
    private int _lastTenth = -1;
    private bool _drawn;

    /// <summary>Creates a bar on <paramref name="output"/>; <paramref name="interactive"/> when it is a terminal.</summary>
    public ProgressBar(TextWriter output, bool interactive)
    {
        _out = output;
        _interactive = interactive;
        _width = interactive ? TerminalWidth() : int.MaxValue;
    }

    /// <summary>Shows <paramref name="fraction"/> of the work done with a status text; <paramref name="force"/> draws now.</summary>
    public void Report(double fraction, string status, bool force = false)
    {
        fraction = Math.Clamp(fraction, 0, 1);
        if (_interactive)
        {
            if (!force && _drawn && _sinceDraw.ElapsedMilliseconds < 100) return;
            int filled = (int)Math.Round(fraction * BarWidth);
            string line = $"[{new string('#', filled)}{new string('.', BarWidth - filled)}] {fraction * 100,3:F0}%  {status}";
            if (line.Length > _width - 1) line = line[..(_width - 1)];
            _out.Write('\r' + line + (line.Length < _lastLength ? new string(' ', _lastLength - line.Length) : ""));
            _out.Flush();
            _lastLength = line.Length;
            _drawn = true;
            _sinceDraw.Restart();
        }
        else
        {
            int tenth = (int)Math.Floor(fraction * 10);
            if (tenth == _lastTenth && !force) return;
            _lastTenth = tenth;
            _out.WriteLine($"{fraction * 100,4:F0}%  {status}");
        }
    }

    /// <summary>Ends the bar's line.</summary>
    public void Finish()
    {
        if (_interactive && _drawn) _out.WriteLine();
        _drawn = false;
    }

    private static int TerminalWidth()
    {
        try
        {
            int width = Console.WindowWidth;
            return width >= 40 ? width : 80;
        }
        catch (Exception ex) when (ex is IOException or PlatformNotSupportedException or InvalidOperationException)
        {
            return 80;
        }
    }
}
