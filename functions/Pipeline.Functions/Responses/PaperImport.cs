using System.Runtime.CompilerServices;
using CsvHelper;
using Pipeline.Survey.Questionnaires;

namespace Pipeline.Functions.Responses;

/// <summary>One keyed-in paper form that was not stored, and why.</summary>
internal sealed record PaperRejection(long Line, int Status, string Reason, IReadOnlyDictionary<string, string[]>? Errors);

/// <summary>The answer to a paper import: how many were stored, and each one that was not (the first 1,000).</summary>
internal sealed record PaperReport(int Accepted, int Rejected, IReadOnlyList<PaperRejection> Rejections);

/// <summary>
/// Keyed-in paper questionnaires, as CSV (UTF-8, ';' or ','): a <c>token</c> column, an optional <c>language</c>
/// column, and one column per question id; several codes of a multiple-choice answer are separated by '|'.
/// Each row goes through the same checks as an online submission; when a token answered online first, the first
/// stored wins and the row is reported.
/// </summary>
internal sealed class PaperImport(ResponseIntake intake)
{
    public const int MaxRejectionsListed = 1000;

    /// <summary>The header's problem, or null when it can be read: reported before anything is stored.</summary>
    public static string? CheckHeader(IReadOnlyList<string> header, Questionnaire questionnaire)
    {
        if (!header.Contains("token"))
        {
            return "The first line must name the columns, among them 'token'.";
        }

        var unknown = header.Where(h => h is not ("token" or "language") && questionnaire.Find(h) is null).ToList();
        return unknown.Count > 0 ? $"Unknown columns: {string.Join(", ", unknown)}. Use 'token', 'language' and the question ids of questionnaire {questionnaire.Version}." : null;
    }

    public async Task<PaperReport> ImportAsync(string waveId, CsvReader csv, IReadOnlyList<string> header, CancellationToken cancellationToken)
    {
        var accepted = 0;
        var rejected = 0;
        var rejections = new List<PaperRejection>();
        await foreach (var (line, submission) in RowsAsync(waveId, csv, header, cancellationToken))
        {
            var result = await intake.SubmitAsync(submission, cancellationToken);
            if (result.Status == IntakeStatus.Stored)
            {
                accepted++;
                continue;
            }

            rejected++;
            if (rejections.Count < MaxRejectionsListed)
            {
                rejections.Add(Describe(line, result));
            }
        }

        return new(accepted, rejected, rejections);
    }

    private static PaperRejection Describe(long line, IntakeResult result) => result.Status == IntakeStatus.Invalid
        ? new(line, StatusCodes.Status400BadRequest, "Answers not valid.", result.Errors)
        : result.Access!.State switch
        {
            Waves.TokenState.Malformed => new(line, StatusCodes.Status400BadRequest, "Token not valid: " + result.Access.Hint, null),
            Waves.TokenState.Used => new(line, StatusCodes.Status409Conflict, "This token already answered (online or on paper); the first stored answer stands.", null),
            Waves.TokenState.Closed => new(line, StatusCodes.Status410Gone, result.Access.Hint ?? "The wave is not open.", null),
            Waves.TokenState.Busy => new(line, StatusCodes.Status429TooManyRequests, "Too many unknown codes were tried this minute; import this line again.", null),
            _ => new(line, StatusCodes.Status404NotFound, "No invitation of this wave has this token.", null),
        };

    private static async IAsyncEnumerable<(long Line, Submission Submission)> RowsAsync(string waveId, CsvReader csv, IReadOnlyList<string> header, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        do
        {
            var answers = new Dictionary<string, IReadOnlyList<string>>(StringComparer.Ordinal);
            string? token = null;
            string? language = null;
            for (var i = 0; i < header.Count && i < csv.FieldCount; i++)
            {
                var value = csv.GetString(i).Trim();
                switch (header[i])
                {
                    case "token":
                        token = value;
                        break;
                    case "language":
                        language = value.Length > 0 ? value.ToLowerInvariant() : null;
                        break;
                    default:
                        answers[header[i]] = value.Split('|', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
                        break;
                }
            }

            yield return (csv.LineNumber, new Submission(token, language, null, answers, ResponseRecord.Paper) { LimitPerToken = false, WaveId = waveId });
        }
        while (await csv.ReadAsync(cancellationToken));
    }
}
