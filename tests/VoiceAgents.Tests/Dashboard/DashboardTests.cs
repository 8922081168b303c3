using Microsoft.Playwright;
using VoiceAgents.Tests.Infrastructure;
using static Microsoft.Playwright.Assertions;

namespace VoiceAgents.Tests.Dashboard;

[Collection(DashboardCollection.Name)]
public sealed class DashboardTests(DashboardFixture fx)
{
    private static readonly TimeSpan CallTimeout = TimeSpan.FromSeconds(90);

    [Fact]
    public async Task A_caller_signs_up_builds_an_agent_talks_to_it_and_finds_the_call_in_logs_recording_and_analytics()
    {
        await using var context = await fx.NewContextAsync();
        var page = await context.NewPageAsync();
        var email = $"ada-{Guid.NewGuid():N}@example.com";

        // 1. Sign up.
        await page.GotoAsync("signup/");
        await Ui.ShotAsync(page, "signup");
        await Ui.SignupAsync(page, email, "Acme Bookings");
        await Expect(page.GetByText("No agents yet")).ToBeVisibleAsync();

        // 2. An agent with local STT, the rules LLM and local TTS.
        await page.GetByRole(AriaRole.Button, new() { Name = "New agent" }).ClickAsync();
        await page.GetByLabel("Name", new() { Exact = true }).FillAsync("Booker");
        await page.GetByLabel("LLM provider").SelectOptionAsync("rules");
        await page.GetByLabel("STT provider").SelectOptionAsync("local");
        await page.GetByLabel("TTS provider").SelectOptionAsync("local");
        await page.GetByLabel("TTS voice").SelectOptionAsync("slt");
        await page.GetByRole(AriaRole.Button, new() { Name = "Add rule" }).ClickAsync();
        await page.GetByLabel("Rule 1 match").FillAsync("book table");
        await page.GetByLabel("Rule 1 reply").FillAsync("Certainly. For what time would you like the table?");
        await Ui.ShotAsync(page, "agents-form");
        await page.GetByRole(AriaRole.Button, new() { Name = "Create agent" }).ClickAsync();
        var card = page.Locator("li[data-agent-id]").Filter(new() { HasText = "Booker" });
        await Expect(card).ToBeVisibleAsync();
        await Expect(card).ToContainTextAsync("LLM rules");
        await Ui.ShotAsync(page, "agents");

        // A second tab watches the call logs from before the call; it must show the call without a reload.
        var logs = await context.NewPageAsync();
        await Ui.LoginAsync(logs, email, next: "/call-logs/");
        await logs.WaitForURLAsync(Ui.PathRegex("/call-logs/"));
        await Expect(logs.GetByText("No calls found")).ToBeVisibleAsync();
        await Expect(logs.Locator("[data-live-mode=live]")).ToBeVisibleAsync();
        var logsNavigations = 0;
        logs.FrameNavigated += (_, f) => { if (f == logs.MainFrame) logsNavigations++; };

        // 3-4. Talk: the fake microphone asks for a table; the transcript shows the question and the agent's answer.
        await card.GetByRole(AriaRole.Link, new() { Name = "Talk" }).ClickAsync();
        await page.WaitForURLAsync(Ui.PathRegex("/talk/"));
        await page.GetByRole(AriaRole.Button, new() { Name = "Start call" }).ClickAsync();
        await Expect(page.Locator("[data-call-phase=live]")).ToBeVisibleAsync(new() { Timeout = 20_000 });
        var userLine = page.Locator("li[data-role=user][data-final=true]").Filter(new() { HasText = "book" });
        await Expect(userLine).ToBeVisibleAsync(new() { Timeout = (float)CallTimeout.TotalMilliseconds });
        var reply = page.Locator("li[data-role=assistant]").Filter(new() { HasText = "Certainly" });
        await Expect(reply).ToBeVisibleAsync(new() { Timeout = 30_000 });
        await Expect(page.Locator("[data-metrics]")).ToContainTextAsync("voice-to-voice", new() { Timeout = 30_000 });
        await Ui.ShotAsync(page, "talk");

        // 5. Hang up.
        await page.GetByRole(AriaRole.Button, new() { Name = "Hang up" }).ClickAsync();
        await Expect(page.Locator("[data-call-ended]")).ToContainTextAsync("Call ended", new() { Timeout = 15_000 });
        var callLink = page.Locator("[data-call-ended] a");
        var href = await callLink.GetAttributeAsync("href");
        var callId = href!.Split("id=")[1];
        Assert.Empty(await page.Locator("[data-call-problem]").AllAsync());

        // 6. The call appears in the other tab's call logs without reloading it.
        var row = logs.Locator($"tr[data-call-id='{callId}']");
        await Expect(row).ToBeVisibleAsync(new() { Timeout = 60_000 });
        await Expect(row).ToContainTextAsync("Booker");
        Assert.Equal(0, logsNavigations);
        await Ui.ShotAsync(logs, "call-logs");

        // 7. The detail: the recording loads with a duration, the transcript has the turns, a turn seeks the audio.
        await row.GetByRole(AriaRole.Link).ClickAsync();
        await logs.WaitForURLAsync(Ui.PathRegex("/call-logs/view/"));
        await Expect(logs.Locator("[data-transcript-text]").Filter(new() { HasText = "book" })).ToBeVisibleAsync();
        await logs.WaitForFunctionAsync("() => { const a = document.querySelector('audio'); return a && isFinite(a.duration) && a.duration > 0; }",
            null, new() { Timeout = 20_000 });
        var duration = await logs.EvaluateAsync<double>("() => document.querySelector('audio').duration");
        Assert.True(duration > 1, $"the recording lasts {duration} s");
        var agentTurn = logs.GetByRole(AriaRole.Button).Filter(new() { HasText = "Certainly" });
        await agentTurn.ClickAsync();
        await logs.WaitForFunctionAsync("() => document.querySelector('audio').currentTime > 0.5");
        await Expect(logs.GetByRole(AriaRole.Table).Last).ToContainTextAsync("ms");
        await Ui.ShotAsync(logs, "call-detail");

        // 8. Analytics counts the call.
        await logs.GetByRole(AriaRole.Link, new() { Name = "Analytics" }).ClickAsync();
        await Expect(logs.Locator("[data-stat=total-calls]")).ToHaveTextAsync("1", new() { Timeout = 20_000 });
        await Expect(logs.GetByRole(AriaRole.Region, new() { Name = "Calls per day" }).Locator("svg").First).ToBeVisibleAsync();
        await Ui.ShotAsync(logs, "analytics");

        // Log out: back to the login page, and the pages need a session again.
        await logs.GetByRole(AriaRole.Button, new() { Name = "Log out" }).ClickAsync();
        await logs.WaitForURLAsync(Ui.PathRegex("/login/"));
        await Ui.ShotAsync(logs, "login");
        await logs.GotoAsync("agents/");
        await logs.WaitForURLAsync(Ui.PathRegex("/login/"));
    }

    [Fact]
    public async Task The_agent_form_shows_the_APIs_validation_errors_beside_their_fields()
    {
        var tenant = await fx.Api.SignupAsync("form");
        await using var context = await fx.NewContextAsync();
        var page = await context.NewPageAsync();
        await Ui.LoginAsync(page, tenant.Email);
        await page.WaitForURLAsync(Ui.AgentsUrl());

        await page.GetByRole(AriaRole.Button, new() { Name = "New agent" }).ClickAsync();
        await page.GetByLabel("Name", new() { Exact = true }).FillAsync("");
        await page.GetByLabel("TTS speed").FillAsync("5");
        await page.GetByLabel("Language", new() { Exact = true }).FillAsync("not a language");
        await page.GetByRole(AriaRole.Button, new() { Name = "Create agent" }).ClickAsync();

        await Expect(Ui.FieldError(page, "Name")).ToContainTextAsync("required");
        await Expect(Ui.FieldError(page, "TTS speed")).ToContainTextAsync("0.5");
        await Expect(Ui.FieldError(page, "Language")).ToContainTextAsync("BCP-47");
        await Expect(page.GetByLabel("TTS speed")).ToHaveAttributeAsync("aria-invalid", "true");
        await Expect(Ui.FieldError(page, "LLM provider")).ToHaveCountAsync(0);
        await Ui.ShotAsync(page, "agents-validation");

        // Fixing the fields saves the agent.
        await page.GetByLabel("Name", new() { Exact = true }).FillAsync("Fixed");
        await page.GetByLabel("TTS speed").FillAsync("1.2");
        await page.GetByLabel("Language", new() { Exact = true }).FillAsync("en-US");
        await page.GetByRole(AriaRole.Button, new() { Name = "Create agent" }).ClickAsync();
        await Expect(page.Locator("li[data-agent-id]").Filter(new() { HasText = "Fixed" })).ToBeVisibleAsync();

        // Edit it, then delete it (after confirming).
        await page.GetByRole(AriaRole.Button, new() { Name = "Edit Fixed" }).ClickAsync();
        await page.GetByLabel("Name", new() { Exact = true }).FillAsync("Renamed");
        await page.GetByRole(AriaRole.Button, new() { Name = "Save changes" }).ClickAsync();
        await Expect(page.Locator("li[data-agent-id]")).ToHaveCountAsync(1);
        await Expect(page.Locator("li[data-agent-id]")).ToContainTextAsync("Renamed");
        page.Dialog += (_, dialog) => _ = dialog.AcceptAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Delete Renamed" }).ClickAsync();
        await Expect(page.GetByText("No agents yet")).ToBeVisibleAsync();
        using var client = tenant.Client();
        var agents = await TenantSession.Read(await client.GetAsync("agents"), 200);
        Assert.Empty(agents["items"]!.AsArray());
    }

    [Fact]
    public async Task Call_logs_filter_by_status_and_page_by_cursor()
    {
        var tenant = await fx.Api.SignupAsync("pages");
        var agent = (await tenant.CreateAgentAsync("Pager"))["id"]!.GetValue<string>();
        var now = DateTime.UtcNow.AddHours(-1);
        var logs = Enumerable.Range(0, 25).Select(i => CallLogSeed.Log(tenant.TenantId, now.AddMinutes(-i), agent,
            status: i % 5 == 0 ? VoiceAgents.Core.Domain.CallStatus.Failed : VoiceAgents.Core.Domain.CallStatus.Completed, voiceToVoiceMs: 700 + i)).ToList();
        await fx.Api.InsertAsync(logs);

        await using var context = await fx.NewContextAsync();
        var page = await context.NewPageAsync();
        await Ui.LoginAsync(page, tenant.Email, next: "/call-logs/");
        var rows = page.Locator("tr[data-call-id]");
        await Expect(rows).ToHaveCountAsync(20);
        await Expect(rows.First).ToHaveAttributeAsync("data-call-id", logs[0].Id);
        await page.GetByRole(AriaRole.Button, new() { Name = "Next" }).ClickAsync();
        await Expect(rows).ToHaveCountAsync(5);
        await Expect(rows.Last).ToHaveAttributeAsync("data-call-id", logs[24].Id);
        await Expect(page.GetByRole(AriaRole.Button, new() { Name = "Next" })).ToBeDisabledAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Previous" }).ClickAsync();
        await Expect(rows).ToHaveCountAsync(20);

        await page.GetByLabel("Status").SelectOptionAsync("failed");
        await page.GetByRole(AriaRole.Button, new() { Name = "Apply filters" }).ClickAsync();
        await Expect(rows).ToHaveCountAsync(5);
        foreach (var row in await rows.AllAsync()) await Expect(row).ToContainTextAsync("failed");
        await page.GetByLabel("Phone number").FillAsync("12345");
        await page.GetByRole(AriaRole.Button, new() { Name = "Apply filters" }).ClickAsync();
        await Expect(Ui.FieldError(page, "Phone number")).ToContainTextAsync("E.164");
    }

    [Fact]
    public async Task A_CSV_with_bad_lines_lists_them_by_line_number_before_the_campaign_is_saved()
    {
        var tenant = await fx.Api.SignupAsync("csv");
        await tenant.CreateAgentAsync("Dialer");
        await using var context = await fx.NewContextAsync();
        var page = await context.NewPageAsync();
        await Ui.LoginAsync(page, tenant.Email, next: "/campaigns/");
        await page.WaitForURLAsync(Ui.PathRegex("/campaigns/"));
        await Expect(page.GetByText("No campaigns yet")).ToBeVisibleAsync();

        await page.GetByRole(AriaRole.Button, new() { Name = "New campaign" }).ClickAsync();
        await page.GetByLabel("Campaign name").FillAsync("Spring");
        var csv = "phone,name\n+1 415 555 0100,Ada\n12345,Bob\n+442071838750,Cy\nnot-a-number,Dee\n\n+14155550100,Ada again\n";
        await page.GetByLabel("Or upload a CSV file").SetInputFilesAsync(new FilePayload { Name = "numbers.csv", MimeType = "text/csv", Buffer = System.Text.Encoding.UTF8.GetBytes(csv) });

        var bad = page.GetByRole(AriaRole.Alert, new() { Name = "Invalid numbers" });
        await Expect(bad.Locator("li")).ToHaveTextAsync(["Line 3: 12345,Bob", "Line 5: not-a-number,Dee"]);
        await Expect(page.GetByRole(AriaRole.Button, new() { Name = "Create campaign" })).ToBeDisabledAsync();
        await Expect(page.GetByText("2 valid numbers, 1 duplicate left out, 2 invalid")).ToBeVisibleAsync();
        await Ui.ShotAsync(page, "campaigns-csv");

        await bad.GetByRole(AriaRole.Button, new() { Name = "Remove the invalid lines" }).ClickAsync();
        await Expect(bad).ToHaveCountAsync(0);
        await page.GetByRole(AriaRole.Button, new() { Name = "Create campaign" }).ClickAsync();
        var item = page.Locator("li[data-campaign-id]").Filter(new() { HasText = "Spring" });
        await Expect(item).ToContainTextAsync("2 numbers");
        await Expect(item).ToContainTextAsync("draft");

        // Start and pause through the buttons the status allows; the campaign view shows its numbers.
        await item.GetByRole(AriaRole.Button, new() { Name = "Start Spring" }).ClickAsync();
        await Expect(item).ToContainTextAsync("running");
        await item.GetByRole(AriaRole.Button, new() { Name = "Pause Spring" }).ClickAsync();
        await Expect(item).ToContainTextAsync("paused");
        await Ui.ShotAsync(page, "campaigns");
        await item.GetByRole(AriaRole.Link, new() { Name = "Spring" }).ClickAsync();
        await Expect(page.GetByText("+442071838750")).ToBeVisibleAsync();
        await Expect(page.GetByRole(AriaRole.Button, new() { Name = "Resume Spring" })).ToBeVisibleAsync();
        await Ui.ShotAsync(page, "campaign-view");
    }

    [Fact]
    public async Task Login_with_a_wrong_password_shows_an_error_and_stays_on_the_login_page()
    {
        var tenant = await fx.Api.SignupAsync("wrong");
        await using var context = await fx.NewContextAsync();
        var page = await context.NewPageAsync();
        await Ui.LoginAsync(page, tenant.Email, "not-the-password");
        await Expect(page.Locator("[data-error]")).ToHaveTextAsync("Wrong email or password.");
        Assert.Matches(Ui.PathRegex("/login/"), page.Url);
        await Ui.ShotAsync(page, "login-failed");
    }

    [Fact]
    public async Task Tenant_B_never_sees_tenant_As_agents_calls_or_call_details()
    {
        var a = await fx.Api.SignupAsync("tenant-a");
        var agentA = (await a.CreateAgentAsync("Alpha secret agent"))["id"]!.GetValue<string>();
        var callA = CallLogSeed.Log(a.TenantId, DateTime.UtcNow.AddMinutes(-3), agentA, phoneNumber: "+14155550199", voiceToVoiceMs: 900);
        await fx.Api.InsertAsync([callA]);
        var b = await fx.Api.SignupAsync("tenant-b");

        await using var context = await fx.NewContextAsync();
        var page = await context.NewPageAsync();
        await Ui.LoginAsync(page, b.Email);
        await page.WaitForURLAsync(Ui.AgentsUrl());
        await Expect(page.GetByText("No agents yet")).ToBeVisibleAsync();
        await Expect(page.GetByText("Alpha secret agent")).ToHaveCountAsync(0);

        await page.GetByRole(AriaRole.Link, new() { Name = "Call logs" }).ClickAsync();
        await Expect(page.GetByText("No calls found")).ToBeVisibleAsync();
        await Expect(page.GetByText("+14155550199")).ToHaveCountAsync(0);

        await page.GotoAsync($"call-logs/view/?id={callA.Id}");
        await Expect(page.Locator("[data-error]")).ToContainTextAsync("not found", new() { IgnoreCase = true });
        await Expect(page.GetByText("+14155550199")).ToHaveCountAsync(0);
        await Expect(page.Locator("audio")).ToHaveCountAsync(0);

        await page.GotoAsync("analytics/");
        await Expect(page.Locator("[data-stat=total-calls]")).ToHaveTextAsync("0");

        await page.GotoAsync($"talk/?agent={agentA}");
        await Expect(page.GetByText("No agent to talk to")).ToBeVisibleAsync();

        // Tenant A, in the same browser after B logs out, does see them.
        await page.GotoAsync("agents/");
        await page.GetByRole(AriaRole.Button, new() { Name = "Log out" }).ClickAsync();
        await page.WaitForURLAsync(Ui.PathRegex("/login/"));
        await Ui.LoginAsync(page, a.Email, next: "/call-logs/");
        await Expect(page.Locator($"tr[data-call-id='{callA.Id}']")).ToContainTextAsync("Alpha secret agent");
    }

    [Fact]
    public async Task A_denied_microphone_shows_how_to_allow_it_and_no_call_starts()
    {
        var tenant = await fx.Api.SignupAsync("nomic");
        await tenant.CreateAgentAsync("Quiet");
        await using var context = await fx.NewContextAsync(microphone: false);
        var page = await context.NewPageAsync();
        var sockets = 0;
        page.WebSocket += (_, _) => sockets++;
        await Ui.LoginAsync(page, tenant.Email, next: "/talk/");
        await page.WaitForURLAsync(Ui.PathRegex("/talk/"));
        await page.GetByRole(AriaRole.Button, new() { Name = "Start call" }).ClickAsync();
        await Expect(page.Locator("[data-call-problem]")).ToContainTextAsync("Microphone access was denied");
        await Expect(page.GetByRole(AriaRole.Button, new() { Name = "Start call" })).ToBeEnabledAsync();
        Assert.Equal(0, sockets);
        await Ui.ShotAsync(page, "talk-mic-denied");
    }

    [Fact]
    public async Task A_call_that_voice_host_refuses_shows_the_close_code_and_its_reason()
    {
        var tenant = await fx.Api.SignupAsync("gone");
        var agent = (await tenant.CreateAgentAsync("Soon gone"))["id"]!.GetValue<string>();
        await using var context = await fx.NewContextAsync();
        var page = await context.NewPageAsync();
        await Ui.LoginAsync(page, tenant.Email, next: $"/talk/?agent={agent}");
        await page.WaitForURLAsync(Ui.PathRegex("/talk/"));
        await Expect(page.GetByLabel("Agent")).ToHaveValueAsync(agent);

        // The agent is deleted (in another tab, say) after the page loaded it: voice-host closes with 4403.
        using (var client = tenant.Client()) Assert.Equal(204, (int)(await client.DeleteAsync($"agents/{agent}")).StatusCode);
        await page.GetByRole(AriaRole.Button, new() { Name = "Start call" }).ClickAsync();

        var problem = page.Locator("[data-call-problem]");
        await Expect(problem).ToContainTextAsync("This agent does not exist in your organization.");
        await Expect(problem).ToContainTextAsync("(close code 4403)");
        await Expect(page.Locator("[data-call-phase=ended]")).ToBeVisibleAsync();
        await Ui.ShotAsync(page, "talk-refused");
    }

    [Fact]
    public async Task While_Web_PubSub_is_unreachable_the_call_logs_poll_and_still_show_a_new_call()
    {
        var tenant = await fx.Api.SignupAsync("polling");
        var agent = (await tenant.CreateAgentAsync("Poller"))["id"]!.GetValue<string>();
        await using var context = await fx.NewContextAsync();
        // The browser cannot reach the negotiate endpoint (as when Web PubSub is down or blocked).
        await context.RouteAsync("**/api/realtime/negotiate", route => route.AbortAsync("connectionrefused"));
        var page = await context.NewPageAsync();
        await Ui.LoginAsync(page, tenant.Email, next: "/call-logs/");
        await Expect(page.GetByText("No calls found")).ToBeVisibleAsync();
        await Expect(page.Locator("[data-live-mode=polling]")).ToBeVisibleAsync();

        var call = CallLogSeed.Log(tenant.TenantId, DateTime.UtcNow.AddMinutes(-1), agent, phoneNumber: "+14155550177");
        await fx.Api.InsertAsync([call]);
        await Expect(page.Locator($"tr[data-call-id='{call.Id}']")).ToContainTextAsync("+14155550177", new() { Timeout = 15_000 });
    }

    [Fact]
    public async Task Moving_between_pages_keeps_the_session_even_when_a_refresh_answer_is_lost()
    {
        var tenant = await fx.Api.SignupAsync("pages");
        await using var context = await fx.NewContextAsync();
        // Every refresh reaches the API, which rotates the token, and its answer never reaches the page: as when the
        // user follows a link while the refresh is under way. A page load that rotated would leave the tab with a used
        // token and end the session.
        var refreshes = 0;
        await context.RouteAsync("**/api/auth/refresh", async route =>
        {
            Interlocked.Increment(ref refreshes);
            await route.FetchAsync();
            await route.AbortAsync("aborted");
        });
        var page = await context.NewPageAsync();
        await Ui.LoginAsync(page, tenant.Email, next: "/agents/");
        await page.WaitForURLAsync(Ui.PathRegex("/agents/"));
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Agents", Exact = true })).ToBeVisibleAsync();
        var refreshToken = await page.EvaluateAsync<string>("() => sessionStorage.getItem('voiceagents.refresh_token')");

        foreach (var (path, heading) in new[] { ("call-logs/", "Call logs"), ("campaigns/", "Campaigns"), ("usage/", "Usage"), ("agents/", "Agents") })
        {
            await page.GotoAsync(path);
            await Expect(page.GetByRole(AriaRole.Heading, new() { Name = heading, Exact = true })).ToBeVisibleAsync();
        }

        Assert.EndsWith("/agents/", page.Url);
        Assert.Equal(0, Volatile.Read(ref refreshes));
        Assert.Equal(refreshToken, await page.EvaluateAsync<string>("() => sessionStorage.getItem('voiceagents.refresh_token')"));
        await TenantSession.Read(await fx.Api.RefreshAsync(refreshToken), 200);
    }

    [Fact]
    public async Task An_ended_session_sends_the_user_to_login_and_back_to_the_page_they_were_on()
    {
        var tenant = await fx.Api.SignupAsync("expiry");
        await using var context = await fx.NewContextAsync();
        var page = await context.NewPageAsync();
        await Ui.LoginAsync(page, tenant.Email, next: "/call-logs/?from=x");
        await page.WaitForURLAsync(Ui.PathRegex("/call-logs/"));
        await Expect(page.GetByText("No calls found")).ToBeVisibleAsync();

        // The session ends elsewhere: the password is changed, which ends every earlier access and refresh token.
        const string newPassword = "tidal-quartz-meadow-58";
        var pageToken = await page.EvaluateAsync<string>("() => sessionStorage.getItem('voiceagents.access_token')");
        using (var self = tenant.Client())
        {
            var response = await self.PostAsync("auth/password", ApiFixture.Json(new { current_password = tenant.Password, new_password = newPassword }));
            Assert.Equal(200, (int)response.StatusCode);
        }
        await Problems.AssertProblem(await fx.Api.MeAsync(pageToken), 401);
        await page.ReloadAsync();

        await page.WaitForURLAsync(Ui.PathRegex("/login/"));
        Assert.Contains("next=%2Fcall-logs%2F%3Ffrom%3Dx", page.Url);
        await Expect(page.GetByText("Your session has ended")).ToBeVisibleAsync();
        await page.GetByLabel("Email").FillAsync(tenant.Email);
        await page.GetByLabel("Password").FillAsync(newPassword);
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
        await page.WaitForURLAsync(Ui.PathRegex("/call-logs/"));
        Assert.EndsWith("/call-logs/?from=x", page.Url);
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Call logs" })).ToBeVisibleAsync();
    }
}
