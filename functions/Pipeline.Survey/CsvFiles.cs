using CsvHelper;

namespace Pipeline.Survey;

/// <summary>How uploaded CSV files (samples, keyed-in paper forms) are read.</summary>
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
}
