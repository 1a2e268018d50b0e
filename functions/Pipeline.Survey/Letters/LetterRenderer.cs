using System.Globalization;
using PdfSharp;
using PdfSharp.Drawing;
using PdfSharp.Drawing.Layout;
using PdfSharp.Pdf;
using QRCoder;

namespace Pipeline.Survey.Letters;

/// <summary>
/// Renders a batch of letters as one A4 PDF, one page per letter, with the address where a right-hand window
/// envelope (C5/6, DL) shows it. Names and addresses use a Unicode font encoding, so that any name prints.
/// </summary>
internal static class LetterRenderer
{
    private const double Mm = 72 / 25.4;
    private static readonly XPdfFontOptions Unicode = new(PdfFontEncoding.Unicode);
    private static readonly XPdfFontOptions Latin = new(PdfFontEncoding.WinAnsi);

    public static void Render(LetterBatch batch, IReadOnlyList<Letter> letters, Stream output)
    {
        EmbeddedFonts.Install();
        using var document = new PdfDocument();
        document.Info.Title = batch.WaveTitle;
        document.Info.Creator = "Pipeline";
        var fonts = new Fonts();
        foreach (var letter in letters)
        {
            var page = document.AddPage();
            page.Size = PageSize.A4;
            using var gfx = XGraphics.FromPdfPage(page);
            Draw(gfx, fonts, batch, letter);
        }

        document.Save(output, closeStream: false);
    }

    /// <summary>The address the QR code opens: the survey's deep link with the token.</summary>
    public static string DeepLink(string surveyBaseUrl, string tokenValue) => $"{surveyBaseUrl.TrimEnd('/')}/s/{tokenValue}";

    private static void Draw(XGraphics gfx, Fonts fonts, LetterBatch batch, Letter letter)
    {
        var text = LetterText.For(batch.Kind, letter.Language);
        var culture = text.CultureInfo;
        var left = 20 * Mm;
        var width = 170 * Mm;

        // Sender block, top left.
        gfx.DrawString(batch.WaveTitle, fonts.Bold, XBrushes.Black, new XPoint(left, 20 * Mm));
        gfx.DrawString(batch.ZoneName, fonts.Body, XBrushes.Black, new XPoint(left, 26 * Mm));

        // The window of a C5/6 envelope with the window on the right: 100 mm from the left, 45 mm from the top.
        var y = 50 * Mm;
        foreach (var line in new[] { letter.Name }.Concat(letter.AddressLines.Where(l => l.Length > 0)).Append($"{letter.Postcode} {letter.Municipality}"))
        {
            gfx.DrawString(line, fonts.Address, XBrushes.Black, new XPoint(105 * Mm, y));
            y += 5 * Mm;
        }

        var formatter = new XTextFormatter(gfx);
        y = 95 * Mm;
        gfx.DrawString(batch.LetterDate.ToString("d MMMM yyyy", culture), fonts.Body, XBrushes.Black, new XPoint(left, y));
        y += 8 * Mm;
        gfx.DrawString(text.Subject, fonts.Bold, XBrushes.Black, new XPoint(left, y));
        y += 8 * Mm;
        gfx.DrawString(string.Format(culture, text.Salutation, letter.Name), fonts.Address, XBrushes.Black, new XPoint(left, y));
        y += 4 * Mm;
        foreach (var paragraph in text.Body)
        {
            y = Paragraph(gfx, formatter, fonts.Body, paragraph, left, y, width);
        }

        y = Paragraph(gfx, formatter, fonts.Body, string.Format(culture, text.HowTo, batch.SurveyBaseUrl), left, y, width);

        // Token and QR code side by side.
        var boxTop = y + 2 * Mm;
        gfx.DrawRectangle(XPens.Black, left, boxTop, 95 * Mm, 30 * Mm);
        gfx.DrawString(text.TokenLabel, fonts.Body, XBrushes.Black, new XPoint(left + (4 * Mm), boxTop + (8 * Mm)));
        gfx.DrawString(letter.TokenDisplay, fonts.Token, XBrushes.Black, new XPoint(left + (4 * Mm), boxTop + (20 * Mm)));
        gfx.DrawString(text.ScanLabel, fonts.Small, XBrushes.Black, new XPoint(120 * Mm, boxTop + (3 * Mm)));
        DrawQr(gfx, DeepLink(batch.SurveyBaseUrl, letter.TokenValue), 130 * Mm, boxTop + (5 * Mm), 30 * Mm);
        y = boxTop + (42 * Mm);

        y = Paragraph(gfx, formatter, fonts.Bold, string.Format(culture, text.Deadline, batch.CloseDate.ToString("d MMMM yyyy", culture)), left, y, width);
        y = Paragraph(gfx, formatter, fonts.Body, string.Format(culture, text.Questions, batch.ContactPhone, batch.ContactEmail), left, y, width);
        y = Paragraph(gfx, formatter, fonts.Body, text.Closing, left, y, width);
        gfx.DrawString(text.Sender, fonts.Body, XBrushes.Black, new XPoint(left, y + (4 * Mm)));
        gfx.DrawString(letter.Sequence.ToString("D6", CultureInfo.InvariantCulture), fonts.Small, XBrushes.Gray, new XPoint(left, 287 * Mm));
    }

    private static double Paragraph(XGraphics gfx, XTextFormatter formatter, XFont font, string paragraph, double left, double y, double width)
    {
        var lines = Math.Ceiling(gfx.MeasureString(paragraph, font).Width / (width * 0.97)) + 1;
        var height = lines * font.GetHeight();
        formatter.DrawString(paragraph, font, XBrushes.Black, new XRect(left, y, width, height), XStringFormats.TopLeft);
        return y + height;
    }

    private static void DrawQr(XGraphics gfx, string content, double x, double y, double size)
    {
        using var generator = new QRCodeGenerator();
        using var data = generator.CreateQrCode(content, QRCodeGenerator.ECCLevel.M);
        var modules = data.ModuleMatrix;
        var cell = size / modules.Count;
        for (var row = 0; row < modules.Count; row++)
        {
            for (var column = 0; column < modules.Count; column++)
            {
                if (modules[row][column])
                {
                    gfx.DrawRectangle(XBrushes.Black, x + (column * cell), y + (row * cell), cell, cell);
                }
            }
        }
    }

    private sealed class Fonts
    {
        public XFont Body { get; } = new(EmbeddedFonts.Family, 10, XFontStyleEx.Regular, Latin);

        public XFont Bold { get; } = new(EmbeddedFonts.Family, 10, XFontStyleEx.Bold, Latin);

        public XFont Small { get; } = new(EmbeddedFonts.Family, 7.5, XFontStyleEx.Regular, Latin);

        public XFont Token { get; } = new(EmbeddedFonts.Family, 18, XFontStyleEx.Bold, Latin);

        public XFont Address { get; } = new(EmbeddedFonts.Family, 10, XFontStyleEx.Regular, Unicode);
    }
}
