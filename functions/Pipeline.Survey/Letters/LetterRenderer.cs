using System.Globalization;
using PdfSharp;
using PdfSharp.Drawing;
using PdfSharp.Drawing.Layout;
using PdfSharp.Pdf;
using Pipeline.Survey.Paper;

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

    /// <returns>The pages of each language's pack: the letter, and the enclosed questionnaire's pages.</returns>
    public static IReadOnlyDictionary<string, int> Render(LetterBatch batch, IReadOnlyList<Letter> letters, Stream output)
    {
        EmbeddedFonts.Install();
        using var document = new PdfDocument();
        document.Info.Title = batch.WaveTitle;
        document.Info.Creator = "Pipeline";
        var fonts = new Fonts();

        // What every letter of the batch shares is drawn once, as a form that each page places: most of the page.
        var shared = new Dictionary<string, (XForm Form, double TokenBoxTop)>(StringComparer.Ordinal);
        // The enclosed questionnaire's pages too, once per language: only the person's code is drawn per pack.
        var enclosed = new Dictionary<string, IReadOnlyList<XForm>>(StringComparer.Ordinal);
        foreach (var letter in letters)
        {
            if (!shared.TryGetValue(letter.Language, out var common))
            {
                var form = new XForm(document, XUnit.FromMillimeter(210), XUnit.FromMillimeter(297));
                using (var formGraphics = XGraphics.FromForm(form))
                {
                    shared[letter.Language] = common = (form, DrawShared(formGraphics, fonts, batch, LetterText.For(batch.Kind, letter.Language)));
                }
            }

            var page = document.AddPage();
            page.Size = PageSize.A4;
            using var gfx = XGraphics.FromPdfPage(page);
            gfx.DrawImage(common.Form, 0, 0);
            // The QR code drawn once per person: on the letter, and on every page of the enclosed questionnaire.
            var qr = QrCode.Form(document, DeepLink(batch.SurveyBaseUrl, letter.TokenValue), 30 * Mm);
            DrawPersonal(gfx, fonts, batch, letter, common.TokenBoxTop, qr);
            if (batch.Enclosed is { } questionnaire)
            {
                if (!enclosed.TryGetValue(letter.Language, out var forms))
                {
                    enclosed[letter.Language] = forms = QuestionnairePrinter.Pages(document, questionnaire, letter.Language, batch.WaveTitle);
                }

                QuestionnairePrinter.Place(document, forms, letter.Language, letter.TokenDisplay, qr);
            }
        }

        QrCode.CompressForms(document);
        document.Save(output, closeStream: false);
        return letters.Select(l => l.Language).Distinct(StringComparer.Ordinal).ToDictionary(l => l, l => 1 + (enclosed.TryGetValue(l, out var forms) ? forms.Count : 0), StringComparer.Ordinal);
    }

    /// <summary>
    /// The address the QR code opens: the survey's token page with the token after <c>#</c>, which browsers never send
    /// to a server; the page's script posts it.
    /// </summary>
    public static string DeepLink(string surveyBaseUrl, string tokenValue) => $"{surveyBaseUrl.TrimEnd('/')}/#{tokenValue}";

    private const double Left = 20 * Mm;
    private const double SalutationTop = 111 * Mm;

    /// <summary>Draws the parts of the page that are the same for every letter of a language; the top of the token box.</summary>
    private static double DrawShared(XGraphics gfx, Fonts fonts, LetterBatch batch, LetterText text)
    {
        var culture = text.CultureInfo;
        var width = 170 * Mm;
        gfx.DrawString(batch.WaveTitle, fonts.Bold, XBrushes.Black, new XPoint(Left, 20 * Mm));
        gfx.DrawString(batch.ZoneName, fonts.Body, XBrushes.Black, new XPoint(Left, 26 * Mm));
        gfx.DrawString(batch.LetterDate.ToString("d MMMM yyyy", culture), fonts.Body, XBrushes.Black, new XPoint(Left, 95 * Mm));
        gfx.DrawString(text.Subject, fonts.Bold, XBrushes.Black, new XPoint(Left, 103 * Mm));

        var formatter = new XTextFormatter(gfx);
        var y = SalutationTop + (4 * Mm);
        foreach (var paragraph in text.Body)
        {
            y = Paragraph(gfx, formatter, fonts.Body, paragraph, Left, y, width);
        }

        y = Paragraph(gfx, formatter, fonts.Body, string.Format(culture, text.HowTo, batch.SurveyBaseUrl), Left, y, width);
        if (batch.Enclosed is not null && text.Enclosure.Length > 0)
        {
            y = Paragraph(gfx, formatter, fonts.Body, text.Enclosure, Left, y, width);
        }

        var boxTop = y + (2 * Mm);
        gfx.DrawRectangle(XPens.Black, Left, boxTop, 95 * Mm, 30 * Mm);
        gfx.DrawString(text.TokenLabel, fonts.Body, XBrushes.Black, new XPoint(Left + (4 * Mm), boxTop + (8 * Mm)));
        gfx.DrawString(text.ScanLabel, fonts.Small, XBrushes.Black, new XPoint(120 * Mm, boxTop + (3 * Mm)));
        y = boxTop + (42 * Mm);
        y = Paragraph(gfx, formatter, fonts.Bold, string.Format(culture, text.Deadline, batch.CloseDate.ToString("d MMMM yyyy", culture)), Left, y, width);
        y = Paragraph(gfx, formatter, fonts.Body, string.Format(culture, text.Questions, batch.ContactPhone, batch.ContactEmail), Left, y, width);
        y = Paragraph(gfx, formatter, fonts.Body, text.Closing, Left, y, width);
        gfx.DrawString(text.Sender, fonts.Body, XBrushes.Black, new XPoint(Left, y + (4 * Mm)));
        return boxTop;
    }

    /// <summary>Draws what is this person's own: the address in the envelope window, the salutation, the token, its QR code.</summary>
    private static void DrawPersonal(XGraphics gfx, Fonts fonts, LetterBatch batch, Letter letter, double boxTop, XForm qr)
    {
        var text = LetterText.For(batch.Kind, letter.Language);

        // The window of a C5/6 envelope with the window on the right: 100 mm from the left, 45 mm from the top.
        var y = 50 * Mm;
        foreach (var line in new[] { letter.Name }.Concat(letter.AddressLines.Where(l => l.Length > 0)).Append($"{letter.Postcode} {letter.Municipality}"))
        {
            gfx.DrawString(line, fonts.Address, XBrushes.Black, new XPoint(105 * Mm, y));
            y += 5 * Mm;
        }

        gfx.DrawString(string.Format(text.CultureInfo, text.Salutation, letter.Name), fonts.Address, XBrushes.Black, new XPoint(Left, SalutationTop));
        gfx.DrawString(letter.TokenDisplay, fonts.Token, XBrushes.Black, new XPoint(Left + (4 * Mm), boxTop + (20 * Mm)));
        gfx.DrawImage(qr, 130 * Mm, boxTop + (5 * Mm), 30 * Mm, 30 * Mm);
        gfx.DrawString(letter.Sequence.ToString("D6", CultureInfo.InvariantCulture), fonts.Small, XBrushes.Gray, new XPoint(Left, 287 * Mm));
    }

    private static double Paragraph(XGraphics gfx, XTextFormatter formatter, XFont font, string paragraph, double left, double y, double width)
    {
        var lines = Math.Ceiling(gfx.MeasureString(paragraph, font).Width / (width * 0.97)) + 1;
        var height = lines * font.GetHeight();
        formatter.DrawString(paragraph, font, XBrushes.Black, new XRect(left, y, width, height), XStringFormats.TopLeft);
        return y + height;
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
