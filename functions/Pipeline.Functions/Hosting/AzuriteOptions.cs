using System.ComponentModel.DataAnnotations;

namespace Pipeline.Functions.Hosting;

/// <summary>The embedded emulator, under <c>Azurite:*</c>.</summary>
internal sealed class EmbeddedAzuriteOptions
{
    public const string Section = "Azurite";

    /// <summary>Start Azurite when the storage connection is local and nothing listens on its ports. Default true.</summary>
    public bool Embedded { get; set; } = true;

    /// <summary>Where its data goes, relative to the checkout's root. Default <c>.azurite</c>.</summary>
    [Required(ErrorMessage = "Azurite:Location is required when Azurite:Embedded is true.")]
    public string Location { get; set; } = ".azurite";

    /// <summary>How long the first run's <c>npm ci</c> of Azurite may take. Default 15 minutes.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "02:00:00")]
    public TimeSpan InstallTimeout { get; set; } = TimeSpan.FromMinutes(15);
}
