using System.Globalization;
using CsvHelper;

namespace Pipeline.Survey.Letters;

/// <summary>The mail house's list of one PDF batch: which page goes to whom.</summary>
internal static class Manifest
{
    public static readonly IReadOnlyList<string> Columns =
        ["sequence", "batch_file", "page", "letter_type", "language", "name", "address_line1", "address_line2", "postcode", "municipality"];

    public static void Write(LetterBatch batch, IReadOnlyList<Letter> letters, Stream output)
    {
        using var writer = new StreamWriter(output, new System.Text.UTF8Encoding(encoderShouldEmitUTF8Identifier: true), leaveOpen: true);
        using var csv = CsvWriter.Create(writer, CsvFiles.WriterOptions(), leaveOpen: true);
        foreach (var column in Columns)
        {
            csv.WriteField(column);
        }

        csv.EndRecord();
        for (var i = 0; i < letters.Count; i++)
        {
            var letter = letters[i];
            csv.WriteField(letter.Sequence.ToString(CultureInfo.InvariantCulture));
            csv.WriteField(batch.FileName);
            csv.WriteField((i + 1).ToString(CultureInfo.InvariantCulture));
            csv.WriteField(batch.Kind.ToString().ToLowerInvariant());
            csv.WriteField(letter.Language);
            csv.WriteField(letter.Name);
            csv.WriteField(letter.AddressLines.ElementAtOrDefault(0) ?? string.Empty);
            csv.WriteField(letter.AddressLines.ElementAtOrDefault(1) ?? string.Empty);
            csv.WriteField(letter.Postcode);
            csv.WriteField(letter.Municipality);
            csv.EndRecord();
        }

        csv.Flush();
    }
}
