using System.Diagnostics;
using VoiceAgents.Tests.Infrastructure;

namespace VoiceAgents.Tests.Dashboard;

/// <summary>
/// The dashboard's API types (dashboard/lib/api-types.ts) are generated from the API's OpenAPI document by
/// dashboard/api-types.sh (openapi-typescript); a request or response record changed without regenerating them
/// would let the dashboard compile against a shape the API no longer serves.
/// </summary>
[Collection(ApiCollection.Name)]
public sealed class ApiTypesTests(ApiFixture api)
{
    private static string CheckedIn => Path.Combine(LocalStack.RepoRoot, "dashboard", "lib", "api-types.ts");

    [Fact]
    public async Task Dashboard_api_types_match_the_types_generated_from_the_live_openapi_document()
    {
        var (folder, generated) = await GenerateAsync(document => document);

        Assert.True(File.Exists(CheckedIn), $"{CheckedIn} is missing: run dashboard/api-types.sh {folder}/openapi.json");
        Assert.True(
            await File.ReadAllTextAsync(generated) == await File.ReadAllTextAsync(CheckedIn),
            $"dashboard/lib/api-types.ts is stale: the API's OpenAPI document generates {generated}. Run dashboard/api-types.sh against ./run.sh's API (or copy that file) and commit it.");
        Directory.Delete(folder, recursive: true);
    }

    [Fact]
    public async Task Api_types_generation_follows_a_changed_document()
    {
        // The staleness check is only worth having if the generated types follow the document.
        var (folder, generated) = await GenerateAsync(document => document.Replace("\"system_prompt\"", "\"system_prompt_renamed\"", StringComparison.Ordinal));

        var types = await File.ReadAllTextAsync(generated);
        Assert.Contains("system_prompt_renamed", types, StringComparison.Ordinal);
        Assert.NotEqual(await File.ReadAllTextAsync(CheckedIn), types);
        Directory.Delete(folder, recursive: true);
    }

    /// <summary>Saves the live document, changed by <paramref name="edit"/>, and runs dashboard/api-types.sh on it.</summary>
    private async Task<(string Folder, string Generated)> GenerateAsync(Func<string, string> edit)
    {
        var folder = Directory.CreateTempSubdirectory("va-api-types-").FullName;
        var document = Path.Combine(folder, "openapi.json");
        var generated = Path.Combine(folder, "api-types.ts");
        using (var anon = api.Client())
        {
            var response = await anon.GetAsync("openapi.json");
            response.EnsureSuccessStatusCode();
            await File.WriteAllTextAsync(document, edit(await response.Content.ReadAsStringAsync()));
        }

        var psi = new ProcessStartInfo("bash", [Path.Combine(LocalStack.RepoRoot, "dashboard", "api-types.sh"), document, generated])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        using var process = Process.Start(psi)!;
        var output = Task.WhenAll(process.StandardOutput.ReadToEndAsync(), process.StandardError.ReadToEndAsync());
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        await process.WaitForExitAsync(timeout.Token);
        Assert.True(process.ExitCode == 0, $"dashboard/api-types.sh failed ({process.ExitCode}):\n{string.Join('\n', await output)}");
        return (folder, generated);
    }
}
