namespace Pipeline.Storage.Emulator;

/// <summary>Finds the checkout's root: the folder that holds <c>Pipeline.sln</c> and <c>package.json</c>.</summary>
public static class RepositoryRoot
{
    /// <summary>The root above <paramref name="start"/> (default: the current folder, then the app's folder), or null.</summary>
    public static string? Find(string? start = null)
    {
        foreach (var from in new[] { start, Directory.GetCurrentDirectory(), AppContext.BaseDirectory })
        {
            for (var dir = from is null ? null : new DirectoryInfo(from); dir is not null; dir = dir.Parent)
            {
                if (File.Exists(Path.Combine(dir.FullName, "Pipeline.sln")) && File.Exists(Path.Combine(dir.FullName, "package.json")))
                {
                    return dir.FullName;
                }
            }
        }

        return null;
    }
}
