using System.Text;
using PdfSharp.Pdf;
using PdfSharp.Pdf.Content;
using PdfSharp.Pdf.Content.Objects;
using PdfSharp.Pdf.IO;

namespace Pipeline.Tests.Shared;

/// <summary>
/// Reads back the text a PDF shows, page by page, by parsing its content streams and the forms they place
/// (<c>Do</c>); words joined by single spaces.
/// </summary>
internal static class PdfText
{
    public static List<string> Pages(Stream pdf)
    {
        pdf.Position = 0;
        using var document = PdfReader.Open(pdf, PdfDocumentOpenMode.Import);
        return [.. Enumerable.Range(0, document.PageCount).Select(i =>
        {
            var page = document.Pages[i];
            var text = new StringBuilder();
            Collect(ContentReader.ReadContent(page), page.Elements.GetDictionary("/Resources"), text);
            return string.Join(' ', text.ToString().Split(' ', StringSplitOptions.RemoveEmptyEntries));
        })];
    }

    private static void Collect(CObject content, PdfDictionary? resources, StringBuilder text)
    {
        switch (content)
        {
            case CString s:
                text.Append(s.Value);
                break;
            case COperator op when op.OpCode.OpCodeName is OpCodeName.Tj or OpCodeName.TJ:
                foreach (var operand in op.Operands)
                {
                    Collect(operand, resources, text);
                }

                text.Append(' ');
                break;
            case COperator { OpCode.OpCodeName: OpCodeName.Do } op when op.Operands[0] is CName name
                && resources?.Elements.GetDictionary("/XObject")?.Elements.GetDictionary(name.Name) is { Stream: { } stream } form:
                Collect(ContentReader.ReadContent(stream.UnfilteredValue), form.Elements.GetDictionary("/Resources"), text);
                break;
            case CSequence sequence:
                foreach (var item in sequence)
                {
                    Collect(item, resources, text);
                }

                break;
        }
    }
}
