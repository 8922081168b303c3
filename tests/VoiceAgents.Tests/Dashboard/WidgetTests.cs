using System.Net;
using Microsoft.AspNetCore.Http;
using Microsoft.Playwright;
using VoiceAgents.Tests.Infrastructure;
using VoiceAgents.Tests.Providers.VendorServers;
using static Microsoft.Playwright.Assertions;

namespace VoiceAgents.Tests.Dashboard;

/// <summary>
/// The embeddable widget (dashboard/widget, served by the dashboard at /widget/v1/) on a tenant's own site: a page
/// on another loopback origin, served here, embeds it with one script tag and a publishable key, and calls the agent
/// with Chromium's fake microphone.
/// </summary>
[Collection(DashboardCollection.Name)]
public sealed class WidgetTests(DashboardFixture fx)
{
    private static readonly TimeSpan CallTimeout = TimeSpan.FromSeconds(90);

    [Fact]
    public async Task A_page_on_another_origin_embeds_the_widget_calls_the_agent_and_shows_its_reply_as_a_caption()
    {
        var tenant = await fx.Api.SignupAsync("widget");
        var agentId = await PostCallSteps.CreateAgentAsync(tenant);
        await using var site = await EmbeddingSite.StartAsync();
        Assert.NotEqual(site.Origin, fx.SiteUri.GetLeftPart(UriPartial.Authority));
        var key = await CreatePublishableKeyAsync(tenant, agentId, site.Origin);
        site.Html = Page(key, agentId, """{"customer":"Ada"}""");

        await using var context = await VisitorAsync(site);
        var page = await context.NewPageAsync();
        var sockets = new List<IWebSocket>();
        page.WebSocket += (_, ws) => sockets.Add(ws);
        await page.GotoAsync(site.BaseUri.ToString());
        var widget = page.Locator("[data-voiceagents-widget]");
        await Expect(widget.Locator("[data-call-phase=idle]")).ToBeVisibleAsync();
        await Ui.ShotAsync(page, "widget-idle");

        await widget.GetByRole(AriaRole.Button, new() { Name = "Start call" }).ClickAsync();
        await Expect(widget.Locator("[data-call-phase=live]")).ToBeVisibleAsync(new() { Timeout = 20_000 });
        var reply = widget.Locator("li[data-role=assistant]").Filter(new() { HasText = "Certainly" });
        await Expect(reply).ToBeVisibleAsync(new() { Timeout = (float)CallTimeout.TotalMilliseconds });
        await Expect(widget.Locator("li[data-role=user][data-final=true]").Filter(new() { HasText = "book" })).ToBeVisibleAsync();
        // The call went straight from the visitor's page to voice-host, signed in by the publishable key.
        Assert.Equal(fx.Voice.WebSocketUri.ToString(), Assert.Single(sockets).Url);
        await Expect(widget.GetByRole(AriaRole.Button, new() { Name = "Mute" })).ToBeEnabledAsync();
        await Ui.ShotAsync(page, "widget-call");

        await widget.GetByRole(AriaRole.Button, new() { Name = "Hang up" }).ClickAsync();
        await Expect(widget.Locator("[data-call-phase=ended]")).ToBeVisibleAsync(new() { Timeout = 15_000 });
        await Expect(widget.Locator("[data-call-problem]")).ToBeHiddenAsync();
        await Expect(widget.GetByRole(AriaRole.Button, new() { Name = "Start call" })).ToBeVisibleAsync();
    }

    [Fact]
    public async Task A_page_on_an_origin_the_key_does_not_allow_is_refused_and_the_widget_shows_the_reason()
    {
        var tenant = await fx.Api.SignupAsync("widget-origin");
        var agentId = await PostCallSteps.CreateAgentAsync(tenant);
        await using var allowed = await EmbeddingSite.StartAsync();
        await using var other = await EmbeddingSite.StartAsync();
        var key = await CreatePublishableKeyAsync(tenant, agentId, allowed.Origin);
        other.Html = Page(key, agentId);

        await using var context = await VisitorAsync(other);
        var page = await context.NewPageAsync();
        await page.GotoAsync(other.BaseUri.ToString());
        var widget = page.Locator("[data-voiceagents-widget]");
        await widget.GetByRole(AriaRole.Button, new() { Name = "Start call" }).ClickAsync();

        var problem = widget.Locator("[data-call-problem]");
        await Expect(problem).ToContainTextAsync("This site may not call this agent.", new() { Timeout = 20_000 });
        await Expect(problem).ToContainTextAsync("origin not allowed");
        await Expect(problem).ToContainTextAsync("(close code 4403)");
        await Expect(widget.Locator("[data-call-phase=ended]")).ToBeVisibleAsync();
        await Expect(widget.Locator("li[data-role]")).ToHaveCountAsync(0);
        await Ui.ShotAsync(page, "widget-refused");
    }

    [Fact]
    public async Task The_widget_and_its_worklet_may_be_loaded_from_any_origin_and_pages_may_not()
    {
        using var http = new HttpClient();
        foreach (var path in new[] { "widget/v1/voiceagents-widget.js", "worklets/capture.js" })
        {
            var response = await http.GetAsync(new Uri(fx.SiteUri, path));
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Equal("*", Assert.Single(response.Headers.GetValues("Access-Control-Allow-Origin")));
            Assert.StartsWith("text/javascript", response.Content.Headers.ContentType!.ToString());
        }
        var login = await http.GetAsync(new Uri(fx.SiteUri, "login/"));
        Assert.Equal(HttpStatusCode.OK, login.StatusCode);
        Assert.False(login.Headers.Contains("Access-Control-Allow-Origin"));
    }

    /// <summary>The tenant's site: a page of its own with the embed tag the dashboard's publishable-keys page hands out.</summary>
    private string Page(string key, string agentId, string? variables = null) => $"""
        <!doctype html>
        <html lang="en">
        <head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>Acme Bistro</title></head>
        <body>
        <h1>Acme Bistro</h1>
        <p>Book a table by voice: press the button in the corner.</p>
        <script src="{new Uri(fx.SiteUri, "widget/v1/voiceagents-widget.js")}" data-publishable-key="{key}" data-agent-id="{agentId}"
                data-ws-url="{fx.Voice.WebSocketUri}"{(variables is null ? "" : $" data-variables='{variables}'")}></script>
        </body>
        </html>
        """;

    private async Task<IBrowserContext> VisitorAsync(EmbeddingSite site)
    {
        var context = await fx.NewContextAsync(microphone: false);
        await context.GrantPermissionsAsync(["microphone"], new() { Origin = site.Origin });
        return context;
    }

    private static async Task<string> CreatePublishableKeyAsync(TenantSession tenant, string agentId, string origin)
    {
        using var client = tenant.Client();
        var created = await TenantSession.Read(
            await client.PostAsync("publishable-keys", ApiFixture.Json(new { name = "Bistro site", agent_ids = new[] { agentId }, allowed_origins = new[] { origin } })), 201);
        return created["key"]!.GetValue<string>();
    }

    /// <summary>A tenant's website on its own loopback port: one HTML page, set once the key is known.</summary>
    private sealed class EmbeddingSite : IAsyncDisposable
    {
        private LoopbackServer _server = default!;

        public string Html { get; set; } = "";
        public Uri BaseUri => _server.BaseUri;
        public string Origin => BaseUri.GetLeftPart(UriPartial.Authority);

        public static async Task<EmbeddingSite> StartAsync()
        {
            var site = new EmbeddingSite();
            site._server = await LoopbackServer.StartAsync(async c =>
            {
                if (c.Request.Path != "/")
                {
                    c.Response.StatusCode = 404;
                    return;
                }
                c.Response.ContentType = "text/html; charset=utf-8";
                await c.Response.WriteAsync(site.Html, c.RequestAborted);
            });
            return site;
        }

        public ValueTask DisposeAsync() => _server.DisposeAsync();
    }
}
