using System.Text.RegularExpressions;
using VoiceAgents.Functions.Infrastructure;
using VoiceAgents.Tests.Infrastructure;

namespace VoiceAgents.Tests.Auth;

/// <summary>One verb of one HTTP function, as the function catalog (and so the runner and the OpenAPI document) has it.</summary>
public sealed partial record ApiRoute(string Function, string Method, string Route, bool Anonymous, bool Operator, IReadOnlyList<string> Roles)
{
    public override string ToString() => $"{Method} /{Route}";

    /// <summary>The route with every parameter filled by a value of the right shape that names nothing that exists.</summary>
    public string ConcretePath => Parameter().Replace(Route, m => m.Groups[1].Value switch
    {
        "number" => "+14155550100",
        "transition" => "start",
        _ => "0123456789abcdef01234567",
    });

    /// <summary>A request that gets past authentication and authorization but changes nothing: unknown ids, or an empty body.</summary>
    public HttpRequestMessage Request()
    {
        var request = new HttpRequestMessage(new HttpMethod(Method), ConcretePath);
        if (Method is "POST" or "PUT" or "PATCH") request.Content = ApiFixture.RawJson("{}");
        return request;
    }

    [GeneratedRegex(@"\{([^:}]+)(:[^}]*)?\}")]
    private static partial Regex Parameter();
}

/// <summary>The API's routes, read from the same attributes the runner serves.</summary>
public static class ApiRoutes
{
    public static IReadOnlyList<ApiRoute> All { get; } = new FunctionCatalog([typeof(ApiSetup).Assembly]).Http
        .SelectMany(f => f.Verbs.Select(v => new ApiRoute(f.Name, v, f.Route, f.Anonymous, f.Operator, f.Roles)))
        .OrderBy(r => r.Route, StringComparer.Ordinal).ThenBy(r => r.Method, StringComparer.Ordinal)
        .ToList();

    /// <summary>Every route that needs a member's access token (the operator's routes take the operator key instead).</summary>
    public static IReadOnlyList<ApiRoute> Authenticated { get; } = All.Where(r => !r.Anonymous && !r.Operator).ToList();

    /// <summary>The status of each authenticated route for this token, in route order.</summary>
    public static async Task<IReadOnlyList<(ApiRoute Route, int Status)>> WalkAsync(ApiFixture api, string token)
    {
        using var client = api.Client(token);
        var results = new List<(ApiRoute, int)>();
        foreach (var route in Authenticated)
        {
            using var request = route.Request();
            using var response = await client.SendAsync(request);
            results.Add((route, (int)response.StatusCode));
        }
        return results;
    }
}
