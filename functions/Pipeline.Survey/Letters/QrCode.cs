using PdfSharp.Drawing;
using PdfSharp.Pdf;
using QRCoder;

namespace Pipeline.Survey.Letters;

/// <summary>A QR code drawn as vector rectangles (sharp at any print resolution), on a page or as a form placed many times.</summary>
internal static class QrCode
{
    private static void Draw(XGraphics gfx, string content, double x, double y, double size)
    {
        using var generator = new QRCodeGenerator();
        using var data = generator.CreateQrCode(content, QRCodeGenerator.ECCLevel.M);
        var modules = data.ModuleMatrix;
        var cell = size / modules.Count;

        // One rectangle per horizontal run of dark modules: a third of the drawing operations of one per module.
        for (var row = 0; row < modules.Count; row++)
        {
            for (var column = 0; column < modules.Count;)
            {
                if (!modules[row][column])
                {
                    column++;
                    continue;
                }

                var start = column;
                while (column < modules.Count && modules[row][column])
                {
                    column++;
                }

                gfx.DrawRectangle(XBrushes.Black, x + (start * cell), y + (row * cell), (column - start) * cell, cell);
            }
        }
    }

    /// <summary>
    /// Compresses the content of every form of <paramref name="document"/> (FlateDecode), as PDFsharp does for pages but
    /// not for forms: a QR code's form per person would otherwise be most of a letter's bytes. Call it before the save.
    /// </summary>
    public static void CompressForms(PdfDocument document)
    {
        foreach (var form in document.Internals.GetAllObjects().OfType<PdfSharp.Pdf.Advanced.PdfFormXObject>())
        {
            form.Stream?.Zip();
        }
    }

    /// <summary>The code as a form of <paramref name="document"/>, <paramref name="size"/> points square: drawn once, placed on every page that shows it.</summary>
    public static XForm Form(PdfDocument document, string content, double size)
    {
        var form = new XForm(document, XUnit.FromPoint(size), XUnit.FromPoint(size));
        using var gfx = XGraphics.FromForm(form);
        Draw(gfx, content, 0, 0, size);
        return form;
    }
}
