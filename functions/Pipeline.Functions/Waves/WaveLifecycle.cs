using Pipeline.Storage;

namespace Pipeline.Functions.Waves;

internal static class WaveLifecycle
{
    /// <summary>Reads, changes and writes a wave, again from a fresh read when another writer came first.</summary>
    public static async Task<WaveRecord> UpdateAsync(WaveStore store, string waveId, Func<WaveRecord, WaveRecord> change, CancellationToken cancellationToken)
    {
        while (true)
        {
            var wave = await store.GetAsync(waveId, cancellationToken) ?? throw new InvalidOperationException($"Wave '{waveId}' does not exist.");
            var changed = change(wave);
            if (changed == wave)
            {
                return wave;
            }

            try
            {
                return await store.SaveAsync(changed, cancellationToken);
            }
            catch (PreconditionFailedException)
            {
                // Changed meanwhile: read again.
            }
        }
    }
}
