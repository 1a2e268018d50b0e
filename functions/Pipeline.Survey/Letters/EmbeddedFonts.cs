using PdfSharp.Fonts;

namespace Pipeline.Survey.Letters;

/// <summary>
/// Serves the DejaVu Sans faces that ship inside this assembly, so a letter never depends on the fonts of
/// the machine that prints it.
/// </summary>
internal sealed class EmbeddedFonts : IFontResolver
{
    public const string Family = "DejaVu Sans";

    private static readonly Lock Gate = new();

    /// <summary>
    /// Sets PDFsharp up once per process (its settings are global): this font resolver, and the license.
    /// PDFsharp 6.5, the only version on our feed, refuses to run until a license is loaded; we load its
    /// AGPL license. README.md names this (and docs/dependencies.md): a production deployment needs a commercial PDFsharp license
    /// or another PDF library.
    /// </summary>
    public static void Install()
    {
        lock (Gate)
        {
            if (GlobalFontSettings.FontResolver is not EmbeddedFonts)
            {
                PdfSharp.PdfSharpLicense.SetAgplLicense();
                GlobalFontSettings.FontResolver = new EmbeddedFonts();
            }
        }
    }

    public FontResolverInfo? ResolveTypeface(string familyName, bool bold, bool italic) =>
        new(bold ? "DejaVuSans-Bold" : "DejaVuSans");

    public byte[]? GetFont(string faceName)
    {
        using var stream = typeof(EmbeddedFonts).Assembly.GetManifestResourceStream($"Fonts.{faceName}.ttf")
            ?? throw new InvalidOperationException($"Font {faceName} is not embedded in {typeof(EmbeddedFonts).Assembly.GetName().Name}.");
        using var copy = new MemoryStream();
        stream.CopyTo(copy);
        return copy.ToArray();
    }
}
