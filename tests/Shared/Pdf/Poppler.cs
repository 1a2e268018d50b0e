using System.Diagnostics;
using System.Text;
using Pipeline.Testing;
using ZXing;
using ZXing.Common;

namespace Pipeline.Tests.Shared;

/// <summary>
/// A PDF read back as a reader sees it, with poppler (Debian's <c>poppler-utils</c>, installed by the tests when missing):
/// its text by <c>pdftotext</c>, and its pages rasterised by <c>pdftoppm</c> for ZXing.Net to decode the barcodes on them.
/// </summary>
internal static class Poppler
{
    /// <summary>The text of each page, as <c>pdftotext</c> extracts it.</summary>
    public static async Task<List<string>> TextAsync(byte[] pdf)
    {
        var text = Encoding.UTF8.GetString(await RunAsync("pdftotext", pdf, ["-enc", "UTF-8", "-", "-"], output: null));
        // pdftotext ends every page with a form feed.
        return [.. text.Split('\f').SkipLast(1)];
    }

    /// <summary>The texts of the barcodes ZXing.Net finds on each page, rasterised at <paramref name="dpi"/> in grey.</summary>
    public static async Task<List<List<string>>> BarcodesAsync(byte[] pdf, int dpi = 150)
    {
        var folder = Directory.CreateTempSubdirectory("pdf-pages-");
        try
        {
            await RunAsync("pdftoppm", pdf, ["-r", dpi.ToString(System.Globalization.CultureInfo.InvariantCulture), "-gray", "-", Path.Combine(folder.FullName, "page")], output: folder.FullName);
            var reader = new BarcodeReaderGeneric { AutoRotate = false, Options = new DecodingOptions { TryHarder = true, PossibleFormats = [BarcodeFormat.QR_CODE, BarcodeFormat.CODE_128] } };
            return [.. folder.GetFiles("page-*.pgm").OrderBy(f => f.Name.Length).ThenBy(f => f.Name, StringComparer.Ordinal).Select(file =>
            {
                var (width, height, pixels) = ReadPgm(File.ReadAllBytes(file.FullName));
                var found = reader.DecodeMultiple(new RGBLuminanceSource(pixels, width, height, RGBLuminanceSource.BitmapFormat.Gray8));
                return found?.Select(r => r.Text).ToList() ?? [];
            })];
        }
        finally
        {
            folder.Delete(recursive: true);
        }
    }

    /// <summary>A binary PGM (P5, 8 bits): its header's width, height and maximum, then one byte per pixel.</summary>
    private static (int Width, int Height, byte[] Pixels) ReadPgm(byte[] file)
    {
        var position = 0;
        string Next()
        {
            while (char.IsWhiteSpace((char)file[position]))
            {
                position++;
            }

            var start = position;
            while (!char.IsWhiteSpace((char)file[position]))
            {
                position++;
            }

            return Encoding.ASCII.GetString(file, start, position - start);
        }

        if (Next() != "P5")
        {
            throw new InvalidDataException("Not a binary PGM.");
        }

        var width = int.Parse(Next(), System.Globalization.CultureInfo.InvariantCulture);
        var height = int.Parse(Next(), System.Globalization.CultureInfo.InvariantCulture);
        _ = Next();
        position++;
        return (width, height, file[position..(position + (width * height))]);
    }

    private static async Task<byte[]> RunAsync(string tool, byte[] pdf, string[] arguments, string? output)
    {
        var path = await Debian.EnsureAsync("poppler-utils", "/usr/bin/" + tool);
        var start = new ProcessStartInfo(path, arguments) { RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = output ?? Path.GetTempPath() };
        using var process = Process.Start(start)!;
        var stdout = new MemoryStream();
        var copy = process.StandardOutput.BaseStream.CopyToAsync(stdout);
        var error = process.StandardError.ReadToEndAsync();
        await process.StandardInput.BaseStream.WriteAsync(pdf);
        process.StandardInput.Close();
        await process.WaitForExitAsync();
        await copy;
        return process.ExitCode == 0 ? stdout.ToArray() : throw new InvalidOperationException($"{tool} failed (exit {process.ExitCode}): {await error}");
    }
}
