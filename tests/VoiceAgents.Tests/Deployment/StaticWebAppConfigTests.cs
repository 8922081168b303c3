using System.Text.Json.Nodes;
using VoiceAgents.Tests.Infrastructure;

namespace VoiceAgents.Tests.Deployment;

/// <summary>
/// Azure Static Web Apps serves the dashboard's export without dashboard/serve.mjs, so its config file must give the
/// widget and the capture worklet, which tenants' own sites fetch (an AudioWorklet module with CORS), the same
/// cross-origin headers serve.mjs does, and only them.
/// </summary>
public sealed class StaticWebAppConfigTests
{
    [Fact]
    public void The_widget_and_worklets_are_readable_from_any_origin_and_no_other_route_is()
    {
        var config = JsonNode.Parse(File.ReadAllText(Path.Combine(LocalStack.RepoRoot, "dashboard", "public", "staticwebapp.config.json")))!;
        var routes = config["routes"]!.AsArray().Select(r => r!).ToList();

        Assert.Equal(["/widget/*", "/worklets/*"], routes.Select(r => r["route"]!.GetValue<string>()));
        Assert.All(routes, r => Assert.Equal(("*", "cross-origin"),
            (r["headers"]!["Access-Control-Allow-Origin"]!.GetValue<string>(), r["headers"]!["Cross-Origin-Resource-Policy"]!.GetValue<string>())));
        var serve = File.ReadAllText(Path.Combine(LocalStack.RepoRoot, "dashboard", "serve.mjs"));
        Assert.Contains("path.startsWith('/widget/') || path.startsWith('/worklets/')", serve);
        Assert.Equal("DENY", config["globalHeaders"]!["X-Frame-Options"]!.GetValue<string>());
    }
}
