using System.Globalization;
using PdfSharp;
using PdfSharp.Drawing;
using PdfSharp.Drawing.Layout;
using PdfSharp.Pdf;
using Pipeline.Survey.Letters;
using Pipeline.Survey.Questionnaires;

namespace Pipeline.Survey.Paper;

/// <summary>
/// The paper questionnaire, printed from the same definition that drives the web form and the validator: A4, its
/// questions numbered through, each option's code printed next to its tick box, the boxes on a fixed grid (every box's
/// left edge at the same x, every row a multiple of <see cref="Row"/> from the top margin, so that optical reading stays
/// possible), the condition of a question printed before it, and on every page the form's token in print and as a QR
/// code, so that a loose page finds its form (or, on a blank copy, a box to write the token in).
/// </summary>
internal static class QuestionnairePrinter
{
    private const double Mm = 72 / 25.4;

    /// <summary>The grid's row height: every line of the form starts on it.</summary>
    public const double Row = 6 * Mm;

    private const double Left = 20 * Mm;
    private const double Right = 190 * Mm;
    private const double Top = 25 * Mm;
    private const double Bottom = 272 * Mm;

    /// <summary>The x of every tick box's left edge.</summary>
    public const double BoxX = Left + (8 * Mm);

    private const double Box = 4 * Mm;

    private static readonly XPdfFontOptions Latin = new(PdfFontEncoding.WinAnsi);

    /// <summary>Renders <paramref name="questionnaire"/> in <paramref name="language"/>; <paramref name="code"/> is the form's, or null for a blank copy.</summary>
    public static void Render(Questionnaire questionnaire, string language, string title, FormCode? code, Stream output)
    {
        // Before the document: PDFsharp refuses to make one until its license is set.
        EmbeddedFonts.Install();
        using var document = new PdfDocument();
        document.Info.Title = title;
        document.Info.Creator = "Pipeline";
        Place(document, Pages(document, questionnaire, language, title), language, code?.Display, code is null ? null : QrCode.Form(document, code.Value, QrSize));
        QrCode.CompressForms(document);
        document.Save(output, closeStream: false);
    }

    /// <summary>
    /// Adds a page per form of <paramref name="forms"/>, each with the form's code <paramref name="display"/> in its code box
    /// and <paramref name="barcode"/> (a QR code drawn once, for a reminder pack the letter's own) beside it; or the box left
    /// blank.
    /// </summary>
    public static void Place(PdfDocument document, IReadOnlyList<XForm> forms, string language, string? display, XForm? barcode)
    {
        foreach (var form in forms)
        {
            var page = document.AddPage();
            page.Size = PageSize.A4;
            using var gfx = XGraphics.FromPdfPage(page);
            gfx.DrawImage(form, 0, 0);
            if (display is not null)
            {
                gfx.DrawString(display, TokenFont.Value, XBrushes.Black, CodeBox(language), XStringFormats.Center);
            }

            if (barcode is not null)
            {
                gfx.DrawImage(barcode, Right - QrSize, Bottom + (3 * Mm), QrSize, QrSize);
            }
        }
    }

    private const double QrSize = 16 * Mm;

    /// <summary>
    /// The questionnaire's pages as forms of <paramref name="document"/>, drawn once and placed on as many pages as there
    /// are people (a reminder pack's enclosure): everything but the token.
    /// </summary>
    public static IReadOnlyList<XForm> Pages(PdfDocument document, Questionnaire questionnaire, string language, string title)
    {
        EmbeddedFonts.Install();
        var words = PaperText.For(language);
        var printer = new Printer(document, words, title, language);
        var numbers = questionnaire.Questions.Select((q, i) => (q.Id, Number: i + 1)).ToDictionary(p => p.Id, p => p.Number, StringComparer.Ordinal);
        foreach (var block in questionnaire.Blocks)
        {
            printer.Heading(block.Title.In(language), block.Intro?.In(language));
            foreach (var question in block.Questions)
            {
                printer.Question(questionnaire, question, numbers, language);
            }
        }

        return printer.Finish();
    }

    private static readonly Lazy<XFont> TokenFont = new(() => new XFont(EmbeddedFonts.Family, 11, XFontStyleEx.Bold, Latin));

    /// <summary>The box on every page where the form's code stands.</summary>
    private static XRect CodeBox(string language) => new(Left + (35 * Mm), Bottom + (8 * Mm), 60 * Mm, 6 * Mm);

    private sealed class Printer(PdfDocument document, PaperText words, string title, string language)
    {
        private readonly List<XForm> _forms = [];
        private readonly XFont _body = new(EmbeddedFonts.Family, 10, XFontStyleEx.Regular, Latin);
        private readonly XFont _bold = new(EmbeddedFonts.Family, 10, XFontStyleEx.Bold, Latin);
        private readonly XFont _small = new(EmbeddedFonts.Family, 8, XFontStyleEx.Regular, Latin);
        private readonly XFont _heading = new(EmbeddedFonts.Family, 12, XFontStyleEx.Bold, Latin);
        private XGraphics? _gfx;
        private double _y = Bottom;
        private int _pages;

        public void Heading(string text, string? intro)
        {
            Need(4);
            _y += Row / 2;
            Text(text, _heading, Left, Right - Left);
            if (intro is { Length: > 0 })
            {
                Text(intro, _body, Left, Right - Left);
            }
        }

        public void Question(Questionnaire questionnaire, Question question, Dictionary<string, int> numbers, string language)
        {
            var options = PaperCodes.Of(questionnaire, question);
            Need(2 + Math.Min(options.Count, 6));
            _y += Row / 2;
            if (question.AskIf is { } condition && numbers.TryGetValue(condition.Question, out var other))
            {
                var asked = questionnaire.Find(condition.Question)!;
                var codes = condition.In.Select(code => PaperCodes.Printed(questionnaire, asked, code));
                Text(string.Format(CultureInfo.InvariantCulture, words.OnlyIf, other, string.Join(words.Or, codes)), _small, Left, Right - Left);
            }

            var number = numbers[question.Id].ToString(CultureInfo.InvariantCulture);
            _gfx!.DrawString(number + ".", _bold, XBrushes.Black, new XRect(Left, _y, 8 * Mm, Row), XStringFormats.TopLeft);
            var text = question.Text.In(language) + (question.Type == QuestionType.Multiple ? " " + words.Several : string.Empty);
            Text(text, _bold, BoxX, Right - BoxX);
            switch (question.Type)
            {
                case QuestionType.Single or QuestionType.Scale or QuestionType.Multiple:
                    foreach (var (printed, option) in options)
                    {
                        Need(1);
                        _gfx!.DrawRectangle(XPens.Black, BoxX, _y + ((Row - Box) / 2), Box, Box);
                        _gfx.DrawString(printed, _small, XBrushes.Black, new XRect(BoxX + Box + (1.5 * Mm), _y, 8 * Mm, Row), XStringFormats.CenterLeft);
                        Text(option.Text.In(language), _body, BoxX + Box + (10 * Mm), Right - BoxX - Box - (10 * Mm));
                    }

                    break;
                case QuestionType.Number:
                    Need(1);
                    var digits = Math.Max(1, (question.Max ?? 999).ToString(CultureInfo.InvariantCulture).Length);
                    for (var d = 0; d < digits; d++)
                    {
                        _gfx!.DrawRectangle(XPens.Black, BoxX + (d * (Box + (1 * Mm))), _y + ((Row - Box) / 2), Box, Box);
                    }

                    _y += Row;
                    break;
                default:
                    for (var line = 0; line < 3; line++)
                    {
                        Need(1);
                        _gfx!.DrawLine(XPens.Gray, BoxX, _y + Row - (1 * Mm), Right, _y + Row - (1 * Mm));
                        _y += Row;
                    }

                    break;
            }
        }

        public List<XForm> Finish()
        {
            if (_gfx is null)
            {
                NewPage();
            }

            _gfx?.Dispose();
            return _forms;
        }

        /// <summary>Wraps <paramref name="text"/> into <paramref name="width"/> and moves down by whole grid rows.</summary>
        private void Text(string text, XFont font, double x, double width)
        {
            var lines = Math.Max(1, (int)Math.Ceiling(_gfx!.MeasureString(text, font).Width / (width * 0.95)));
            Need(lines);
            new XTextFormatter(_gfx).DrawString(text, font, XBrushes.Black, new XRect(x, _y + (1 * Mm), width, lines * Row), XStringFormats.TopLeft);
            _y += lines * Row;
        }

        /// <summary>A new page when fewer than <paramref name="rows"/> grid rows are left on this one.</summary>
        private void Need(int rows)
        {
            if (_y + (rows * Row) > Bottom)
            {
                NewPage();
            }
        }

        private void NewPage()
        {
            _gfx?.Dispose();
            var form = new XForm(document, XUnit.FromMillimeter(210), XUnit.FromMillimeter(297));
            _forms.Add(form);
            _gfx = XGraphics.FromForm(form);
            _pages++;
            _gfx.DrawString(title, _small, XBrushes.Black, new XRect(Left, 10 * Mm, Right - Left, 5 * Mm), XStringFormats.TopLeft);
            _gfx.DrawString(string.Format(CultureInfo.InvariantCulture, words.Page, _pages), _small, XBrushes.Black, new XRect(Left, 10 * Mm, Right - Left, 5 * Mm), XStringFormats.TopRight);
            // The box of the form's code on every page, so that a loose page finds its form (Place writes the code in it).
            var box = CodeBox(language);
            _gfx.DrawString(words.Code, _small, XBrushes.Black, new XRect(Left, box.Y, box.X - Left, box.Height), XStringFormats.CenterLeft);
            _gfx.DrawRectangle(XPens.Black, box);

            _y = Top;
        }
    }
}

/// <summary>A form's code: as printed for people (<paramref name="Display"/>) and as its QR code holds it (<paramref name="Value"/>, what a scanner types).</summary>
internal sealed record FormCode(string Display, string Value);

/// <summary>The paper form's own words, per language.</summary>
internal sealed record PaperText(string Several, string OnlyIf, string Or, string Page, string Code)
{
    public static PaperText For(string language) => language switch
    {
        "fr" => new("(plusieurs réponses possibles)", "Seulement si vous avez répondu {1} à la question {0} :", " ou ", "page {0}", "Code :"),
        "de" => new("(mehrere Antworten möglich)", "Nur wenn Sie bei Frage {0} {1} angekreuzt haben:", " oder ", "Seite {0}", "Code:"),
        "en" => new("(several answers possible)", "Only if you answered {1} to question {0}:", " or ", "page {0}", "Code:"),
        _ => new("(meerdere antwoorden mogelijk)", "Alleen als u bij vraag {0} {1} aankruiste:", " of ", "pagina {0}", "Code:"),
    };
}
