using CsvHelper;

namespace Pipeline.Survey;

/// <summary>How uploaded CSV files (samples, keyed-in paper forms) are read, and how the files we hand out are written.</summary>
internal static class CsvFiles
{
    /// <summary>
    /// A header line; the separator (';' or ',') detected from it; trimmed fields; line numbers for reports. A short
    /// row reads as empty fields, so that it is reported as a missing field with its line. Values never appear in
    /// exceptions, since they can be names and addresses.
    /// </summary>
    public static CsvReaderOptions ReaderOptions() => new()
    {
        HasHeader = true,
        TrimWhitespace = true,
        TrackLineNumbers = true,
        SkipEmptyLines = true,
        MissingField = CsvMissingFieldHandling.ReturnEmpty,
        FieldCountMismatch = CsvFieldCountHandling.Allow,
        MalformedData = CsvMalformedDataHandling.Recover,
        IncludeValuesInExceptions = false,
    };

    /// <summary>
    /// ';'-separated, for the files people open in a spreadsheet (manifests, aggregate exports): a text cell that
    /// starts with '=', '+', '-', '@', a tab or a carriage return gets a leading "'" (OWASP's advice against CSV
    /// injection), so Excel shows it as text and never runs it as a formula.
    /// </summary>
    public static CsvWriterOptions WriterOptions() => new() { Separator = ';', Injection = CsvInjection.Escape };

    /// <summary>A file of <see cref="WriterOptions"/>, UTF-8 without a byte order mark: the header, then the rows.</summary>
    public static byte[] Write(IEnumerable<string> header, IEnumerable<IEnumerable<string>> rows)
    {
        using var output = new MemoryStream();
        using (var writer = new StreamWriter(output, new System.Text.UTF8Encoding(false), leaveOpen: true))
        using (var csv = CsvWriter.Create(writer, WriterOptions(), leaveOpen: true))
        {
            foreach (var row in rows.Prepend(header))
            {
                foreach (var field in row)
                {
                    csv.WriteField(field);
                }

                csv.EndRecord();
            }

            csv.Flush();
        }

        return output.ToArray();
    }
}
