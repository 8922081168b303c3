using System.Text.RegularExpressions;
using VoiceAgents.Tests.Infrastructure;

namespace VoiceAgents.Tests.Auth;

/// <summary>
/// README's roles table is the contract: it names every authenticated route once, with whether an <c>admin</c> and a
/// <c>user</c> may call it, and each route answers each role as the table says (403 exactly where it says no).
/// </summary>
[Collection(ApiCollection.Name)]
public sealed partial class RolesTests(ApiFixture api)
{
    private sealed record Row(string Method, string Route, bool Admin, bool User)
    {
        public override string ToString() => $"{Method} /{Route}";
    }

    /// <summary>The rows of README's "Roles" table: <c>| `METHOD /route` | yes | no |</c>.</summary>
    private static IReadOnlyList<Row> ReadmeTable()
    {
        var readme = File.ReadAllText(Path.Combine(LocalStack.RepoRoot, "README.md"));
        var section = readme[readme.IndexOf("\n### Roles", StringComparison.Ordinal)..];
        section = section[..section.IndexOf("\n#", 1, StringComparison.Ordinal)];
        return TableRow().Matches(section)
            .Select(m => new Row(m.Groups["method"].Value, m.Groups["route"].Value, m.Groups["admin"].Value == "yes", m.Groups["user"].Value == "yes"))
            .ToList();
    }

    private static string Template(ApiRoute r) => RouteConstraint().Replace(r.Route, "{$1}");

    [Fact]
    public void Readme_roles_table_lists_every_authenticated_route_once()
    {
        var table = ReadmeTable();

        Assert.Equal(table.Count, table.Select(r => r.ToString()).Distinct().Count());
        Assert.Equal(
            ApiRoutes.Authenticated.Select(r => $"{r.Method} /{Template(r)}").Order(StringComparer.Ordinal),
            table.Select(r => r.ToString()).Order(StringComparer.Ordinal));
        // Admins may do everything a member may.
        Assert.All(table, r => Assert.True(r.Admin, $"{r} is closed to admins"));
    }

    [Fact]
    public async Task Every_route_answers_each_role_as_the_readme_roles_table_says()
    {
        var admin = await api.SignupAsync("roles");
        using var adminClient = admin.Client();
        var email = $"user-{Guid.NewGuid():N}@example.com";
        await TenantSession.Read(await adminClient.PostAsync("members", ApiFixture.Json(new { email, name = "Ursula", role = "user", password = "member-orchid-lantern-73" })), 201);
        var user = (await api.LoginOkAsync(email, "member-orchid-lantern-73"))["access_token"]!.GetValue<string>();
        var table = ReadmeTable().ToDictionary(r => r.ToString());

        var wrong = new List<string>();
        foreach (var (role, token) in new[] { ("admin", admin.AccessToken), ("user", user) })
        {
            foreach (var (route, status) in await ApiRoutes.WalkAsync(api, token))
            {
                var row = table[$"{route.Method} /{Template(route)}"];
                var allowed = role == "admin" ? row.Admin : row.User;
                // Allowed means past authorization: whatever the unknown ids or empty bodies then get, never 401 or 403.
                if (allowed ? status is 401 or 403 : status != 403) wrong.Add($"{role} {route}: {status}, the table says {(allowed ? "yes" : "no")}");
            }
        }

        Assert.True(wrong.Count == 0, string.Join("\n", wrong));
    }

    [GeneratedRegex(@"^\|\s*`(?<method>GET|POST|PUT|PATCH|DELETE) /(?<route>[^`]+)`\s*\|\s*(?<admin>yes|no)\s*\|\s*(?<user>yes|no)\s*\|", RegexOptions.Multiline)]
    private static partial Regex TableRow();

    [GeneratedRegex(@"\{([^:}]+)(:[^}]*)?\}")]
    private static partial Regex RouteConstraint();
}
