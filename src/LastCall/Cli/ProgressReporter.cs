using System.Diagnostics;
using LastCall.Features.Imports;

namespace LastCall.Cli;

/// <summary>
/// A progress bar redrawn in place on a terminal; plain progress lines (at most one every few seconds)
/// when the output is redirected to a file or a pipe.
/// </summary>
public sealed class ProgressReporter(TextWriter writer, bool interactive)
{
    private static readonly TimeSpan PlainInterval = TimeSpan.FromSeconds(5);

    private readonly bool _interactive = interactive;
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private TimeSpan? _lastPlainLine;
    private ImportProgress? _last;
    private bool _barShown;

    public void Report(ImportProgress p)
    {
        _last = p;
        var rate = p.RowsRead / Math.Max(_clock.Elapsed.TotalSeconds, 0.001);
        var percent = p.TotalBytes is > 0 ? (double)p.BytesRead / p.TotalBytes.Value : (double?)null;
        if (_interactive)
        {
            const int width = 30;
            var filled = (int)Math.Round((percent ?? 0) * width);
            var bar = percent is null ? "" : $"[{new string('#', filled)}{new string('.', width - filled)}] {percent:P0} ";
            writer.Write($"\r{bar}{p.RowsRead:N0} rows, {p.Imported:N0} imported, {p.Rejected:N0} rejected, {rate:N0} rows/s   ");
            _barShown = true;
        }
        else if (_lastPlainLine is null || _clock.Elapsed - _lastPlainLine >= PlainInterval)
        {
            _lastPlainLine = _clock.Elapsed;
            WritePlainLine(p, percent, rate);
        }
    }

    private void WritePlainLine(ImportProgress p, double? percent, double rate)
    {
        var share = percent is null ? "" : $" ({percent:P0})";
        writer.WriteLine($"progress: {p.RowsRead:N0} rows{share}, {p.Imported:N0} imported, {p.Rejected:N0} rejected, {rate:N0} rows/s");
    }

    /// <summary>Prints a message on its own line without mangling the bar.</summary>
    public void Interrupt(string message)
    {
        if (_barShown)
        {
            writer.Write('\r');
            writer.Write(new string(' ', 100));
            writer.Write('\r');
        }
        writer.WriteLine(message);
    }

    /// <summary>Ends the bar, or prints the final figures as a plain line.</summary>
    public void Finish()
    {
        if (_barShown)
            writer.WriteLine();
        else if (_last is { } p)
            WritePlainLine(p, p.TotalBytes is > 0 ? (double)p.BytesRead / p.TotalBytes.Value : null, p.RowsRead / Math.Max(_clock.Elapsed.TotalSeconds, 0.001));
    }
}
