namespace Pipeline.Survey.Waves;

/// <summary>The age bands and sexes the sample and the weighting use.</summary>
internal static class Demography
{
    public static readonly IReadOnlyList<string> AgeBands = ["15-24", "25-34", "35-44", "45-54", "55-64", "65-74", "75+"];

    public static readonly IReadOnlyList<string> Sexes = ["M", "F"];

    public static readonly IReadOnlyList<string> Languages = ["nl", "fr", "de", "en"];

    /// <summary>True for a band that starts below 15, such as "0-14" or "10-14".</summary>
    public static bool IsUnder15(string band) =>
        int.TryParse(band.Split('-', '+')[0], System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var from) && from < 15;
}
