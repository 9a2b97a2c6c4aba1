using System.Diagnostics;

namespace LastCall.Tests.Features.Certificates;

/// <summary>Runs poppler-utils (pdftotext, pdftoppm; installed by scripts/prerequisites.sh) on a PDF.</summary>
internal static class PopplerTools
{
    /// <summary>The text of every page, UTF-8, reading order.</summary>
    public static async Task<string> TextAsync(byte[] pdf, CancellationToken ct)
    {
        var folder = NewFolder();
        try
        {
            var file = Path.Combine(folder, "certificate.pdf");
            await File.WriteAllBytesAsync(file, pdf, ct);
            return await RunAsync("pdftotext", ["-enc", "UTF-8", file, "-"], ct);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    /// <summary>The first page as 8-bit grey pixels.</summary>
    public static async Task<(byte[] Pixels, int Width, int Height)> GreyPageAsync(byte[] pdf, int dpi, CancellationToken ct)
    {
        var folder = NewFolder();
        try
        {
            var file = Path.Combine(folder, "certificate.pdf");
            await File.WriteAllBytesAsync(file, pdf, ct);
            await RunAsync("pdftoppm", ["-gray", "-r", dpi.ToString(System.Globalization.CultureInfo.InvariantCulture), "-f", "1", "-l", "1", "-singlefile", file, Path.Combine(folder, "page")], ct);
            return ReadPgm(await File.ReadAllBytesAsync(Path.Combine(folder, "page.pgm"), ct));
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    /// <summary>Binary PGM (P5, max value 255): three header tokens after the magic, then one byte a pixel.</summary>
    private static (byte[] Pixels, int Width, int Height) ReadPgm(byte[] pgm)
    {
        var position = 0;
        string Token()
        {
            while (true)
            {
                while (char.IsWhiteSpace((char)pgm[position]))
                    position++;
                if (pgm[position] != '#')
                    break;
                while (pgm[position] != '\n')
                    position++;
            }
            var start = position;
            while (!char.IsWhiteSpace((char)pgm[position]))
                position++;
            return System.Text.Encoding.ASCII.GetString(pgm, start, position - start);
        }
        Assert.Equal("P5", Token());
        var width = int.Parse(Token(), System.Globalization.CultureInfo.InvariantCulture);
        var height = int.Parse(Token(), System.Globalization.CultureInfo.InvariantCulture);
        Assert.Equal("255", Token());
        position++; // the single whitespace before the pixels
        return (pgm.AsSpan(position, width * height).ToArray(), width, height);
    }

    private static string NewFolder() => Directory.CreateTempSubdirectory("lastcall-cert-pdf-").FullName;

    private static async Task<string> RunAsync(string tool, string[] arguments, CancellationToken ct)
    {
        var start = new ProcessStartInfo(tool)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            StandardOutputEncoding = System.Text.Encoding.UTF8,
        };
        foreach (var argument in arguments)
            start.ArgumentList.Add(argument);
        Process process;
        try
        {
            process = Process.Start(start) ?? throw new InvalidOperationException($"{tool} did not start.");
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            throw new InvalidOperationException($"{tool} is missing: install poppler-utils (scripts/prerequisites.sh does).", e);
        }
        using (process)
        {
            var output = process.StandardOutput.ReadToEndAsync(ct);
            var error = process.StandardError.ReadToEndAsync(ct);
            await process.WaitForExitAsync(ct);
            Assert.True(process.ExitCode == 0, $"{tool} exited with {process.ExitCode}: {await error}");
            return await output;
        }
    }
}
