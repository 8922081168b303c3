namespace VoiceAgents.Bench.Turns;

internal static class Repo
{
    /// <summary>The repository's root, searched upward from the working folder.</summary>
    public static string Root()
    {
        for (var dir = new DirectoryInfo(Directory.GetCurrentDirectory()); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "VoiceAgents.sln"))) return dir.FullName;
        }
        throw new DirectoryNotFoundException("run from inside the repository");
    }
}
