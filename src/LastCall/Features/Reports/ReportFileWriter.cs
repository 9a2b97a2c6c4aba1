using System.Security.Cryptography;
using System.Text;
using DocumentFormat.OpenXml;
using DocumentFormat.OpenXml.Packaging;
using DocumentFormat.OpenXml.Spreadsheet;
using LastCall.Domain.Reports;

namespace LastCall.Features.Reports;

/// <summary>
/// Writes one file of a report row by row, straight to disk, so memory stays flat however many rows there are:
/// CSV (UTF-8, no byte order mark, <c>\n</c> line ends, RFC 4180), in flat memory, or XLSX (one sheet, written with the
/// Open XML SDK's writer and inline strings, so no shared-string table grows; the package holds the sheet until closed).
/// </summary>
public abstract class ReportFileWriter : IAsyncDisposable
{
    public static ReportFileWriter Create(ReportFormat format, string path, IReadOnlyList<string> header) =>
        format == ReportFormat.Xlsx ? new XlsxWriter(path, header) : new CsvWriter(path, header);

    public long Rows { get; protected set; }

    public abstract ValueTask WriteRowAsync(IReadOnlyList<string> values);

    public abstract ValueTask DisposeAsync();

    private sealed class CsvWriter : ReportFileWriter
    {
        private readonly StreamWriter _writer;

        public CsvWriter(string path, IReadOnlyList<string> header)
        {
            _writer = new StreamWriter(new FileStream(path, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16, useAsync: true), new UTF8Encoding(false), 1 << 16) { NewLine = "\n" };
            _writer.WriteLine(Line(header));
        }

        public override async ValueTask WriteRowAsync(IReadOnlyList<string> values)
        {
            await _writer.WriteLineAsync(Line(values));
            Rows++;
        }

        // The values are numbers, dates and ids; a comma, quote or line break would still be quoted (RFC 4180).
        private static string Line(IReadOnlyList<string> values) =>
            string.Join(',', values.Select(v => v.AsSpan().IndexOfAny(",\"\r\n") < 0 ? v : "\"" + v.Replace("\"", "\"\"", StringComparison.Ordinal) + "\""));

        public override ValueTask DisposeAsync() => _writer.DisposeAsync();
    }

    private sealed class XlsxWriter : ReportFileWriter
    {
        private readonly SpreadsheetDocument _document;
        private readonly WorkbookPart _workbook;
        private readonly WorksheetPart _sheet;
        private readonly OpenXmlWriter _writer;

        public XlsxWriter(string path, IReadOnlyList<string> header)
        {
            // The package keeps a part in memory until it is closed, so an XLSX file costs memory in proportion to its
            // rows (about 100 bytes a row); files are split at Reports:MaxRowsPerFile, which bounds it. CSV is flat.
            _document = SpreadsheetDocument.Create(path, SpreadsheetDocumentType.Workbook);
            _workbook = _document.AddWorkbookPart();
            _sheet = _workbook.AddNewPart<WorksheetPart>();
            _writer = OpenXmlWriter.Create(_sheet);
            _writer.WriteStartElement(new Worksheet());
            _writer.WriteStartElement(new SheetData());
            Write(header);
        }

        public override ValueTask WriteRowAsync(IReadOnlyList<string> values)
        {
            Write(values);
            Rows++;
            return ValueTask.CompletedTask;
        }

        private void Write(IReadOnlyList<string> values)
        {
            _writer.WriteStartElement(new Row());
            foreach (var value in values)
                _writer.WriteElement(new Cell { DataType = CellValues.InlineString, InlineString = new InlineString(new Text(value)) });
            _writer.WriteEndElement();
        }

        public override ValueTask DisposeAsync()
        {
            _writer.WriteEndElement(); // SheetData
            _writer.WriteEndElement(); // Worksheet
            _writer.Dispose();
            using (var workbook = OpenXmlWriter.Create(_workbook))
            {
                workbook.WriteStartElement(new Workbook());
                workbook.WriteStartElement(new Sheets());
                workbook.WriteElement(new Sheet { Name = "disconnections", SheetId = 1, Id = _workbook.GetIdOfPart(_sheet) });
                workbook.WriteEndElement();
                workbook.WriteEndElement();
            }
            _document.Dispose();
            return ValueTask.CompletedTask;
        }
    }

    /// <summary>SHA-256 of each file and of all of them in order (lowercase hex), read back from disk as filed.</summary>
    public static async Task<(IReadOnlyList<string> PerFile, string All)> HashAsync(IReadOnlyList<string> paths, CancellationToken ct)
    {
        using var all = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var perFile = new List<string>();
        var buffer = new byte[1 << 16];
        foreach (var path in paths)
        {
            using var one = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
            await using var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, useAsync: true);
            int read;
            while ((read = await file.ReadAsync(buffer, ct)) > 0)
            {
                one.AppendData(buffer, 0, read);
                all.AppendData(buffer, 0, read);
            }
            perFile.Add(Convert.ToHexStringLower(one.GetHashAndReset()));
        }
        return (perFile, Convert.ToHexStringLower(all.GetHashAndReset()));
    }
}
