namespace Pipeline.Functions.WaveRun;

internal static class WaveRunRegistration
{
    /// <summary>The wave's run: the end of a wave (close and purge) that its activities and the operators' close-now and purge-now share.</summary>
    public static IServiceCollection AddWaveRun(this IServiceCollection services) => services.AddSingleton<WaveEnding>();
}
