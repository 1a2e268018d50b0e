using System.Globalization;
using CsvHelper;

namespace Pipeline.Survey.Letters;

/// <summary>The mail house's list of one PDF batch: which page goes to whom.</summary>
internal static class Manifest
{
    public static readonly IReadOnlyList<string> Columns =
        ["sequence", "batch_file", "page", "pages", "letter_type", "language", "name", "address_line1", "address_line2", "postcode", "municipality"];

    /// <summary>One row per letter: where its pack starts in the batch's PDF (<c>page</c>) and how many pages it has (<c>pages</c>: the letter and any enclosure, per <paramref name="packPages"/> by language).</summary>
    public static void Write(LetterBatch batch, IReadOnlyList<Letter> letters, Stream output, IReadOnlyDictionary<string, int>? packPages = null)
    {
        using var writer = new StreamWriter(output, new System.Text.UTF8Encoding(encoderShouldEmitUTF8Identifier: true), leaveOpen: true);
        using var csv = CsvWriter.Create(writer, CsvFiles.WriterOptions(), leaveOpen: true);
        foreach (var column in Columns)
        {
            csv.WriteField(column);
        }

        csv.EndRecord();
        var page = 1;
        for (var i = 0; i < letters.Count; i++)
        {
            var letter = letters[i];
            var pages = packPages?.GetValueOrDefault(letter.Language, 1) ?? 1;
            csv.WriteField(letter.Sequence.ToString(CultureInfo.InvariantCulture));
            csv.WriteField(batch.FileName);
            csv.WriteField(page.ToString(CultureInfo.InvariantCulture));
            csv.WriteField(pages.ToString(CultureInfo.InvariantCulture));
            page += pages;
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
