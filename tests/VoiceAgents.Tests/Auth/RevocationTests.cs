using System.Diagnostics;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using VoiceAgents.Functions.Realtime;
using VoiceAgents.Tests.Infrastructure;
using VoiceAgents.Tests.Realtime;

namespace VoiceAgents.Tests.Auth;

/// <summary>
/// A removed or demoted member, or one who changed their password, is out at once: within 5 s their old access
/// token gets 401 on every API route of every instance (negotiate included) and 4401 at voice-host's /ws, a removed
/// member's live-update connections are closed, and calls already in progress may finish.
/// </summary>
[Collection(RevocationCollection.Name)]
public sealed class RevocationTests(RevocationFixture f)
{
    private const string Password = "member-orchid-lantern-73";
    private const string NewPassword = "brand-new-velvet-harbor-91";
    private static readonly TimeSpan Promise = TimeSpan.FromSeconds(5);

    public enum Change
    {
        Removed,
        Demoted,
        PasswordChanged,
    }

    private sealed record Member(TenantSession Admin, string Id, string Email, string AccessToken, string RefreshToken);

    /// <summary>A new organization, and a signed-in second member of it (an admin unless told otherwise).</summary>
    private async Task<Member> MemberAsync(string role = "admin")
    {
        var admin = await f.Api.SignupAsync("revoke");
        using var client = admin.Client();
        var email = $"member-{Guid.NewGuid():N}@example.com";
        var member = await TenantSession.Read(await client.PostAsync("members", ApiFixture.Json(new { email, name = "Grace Hopper", role, password = Password })), 201);
        var tokens = await f.Api.LoginOkAsync(email, Password);
        return new Member(admin, member["id"]!.GetValue<string>(), email, tokens["access_token"]!.GetValue<string>(), tokens["refresh_token"]!.GetValue<string>());
    }

    /// <summary>Removes or demotes the member through the first instance, or has them change their password there.</summary>
    private async Task ApplyAsync(Change change, Member m)
    {
        using var admin = m.Admin.Client();
        using var self = f.Api.Client(m.AccessToken);
        switch (change)
        {
            case Change.Removed:
                Assert.Equal(HttpStatusCode.NoContent, (await admin.DeleteAsync($"members/{m.Id}")).StatusCode);
                break;
            case Change.Demoted:
                await TenantSession.Read(await admin.PatchAsync($"members/{m.Id}", ApiFixture.Json(new { role = "user" })), 200);
                break;
            case Change.PasswordChanged:
                await TenantSession.Read(await self.PostAsync("auth/password", ApiFixture.Json(new { current_password = Password, new_password = NewPassword })), 200);
                break;
        }
    }

    /// <summary>Retries until <paramref name="refused"/> holds, and fails unless it held for a check begun within 5 s of the change.</summary>
    private static async Task RefusedWithinPromiseAsync(Stopwatch sinceChange, Func<Task<(bool Refused, string State)>> refused)
    {
        while (true)
        {
            var startedAt = sinceChange.Elapsed;
            var (ok, state) = await refused();
            if (ok)
            {
                Assert.True(startedAt <= Promise, $"refused only {startedAt.TotalSeconds:F1} s after the change");
                return;
            }
            Assert.True(sinceChange.Elapsed <= Promise, $"still not refused {sinceChange.Elapsed.TotalSeconds:F1} s after the change: {state}");
            await Task.Delay(100);
        }
    }

    /// <summary>
    /// Waits (on a harmless read) until the other instance refuses the old token. Not <c>auth/me</c>: for a removed
    /// member that answers 401 from its handler, whether the token is still accepted or not.
    /// </summary>
    private static Task ReadRefusedWithinPromiseAsync(Stopwatch sinceChange, HttpClient theirs, string path = "members") =>
        RefusedWithinPromiseAsync(sinceChange, async () =>
        {
            var status = (int)(await theirs.GetAsync(path)).StatusCode;
            return (status == 401, $"GET {path} {status}");
        });

    [Theory]
    [InlineData(Change.Removed)]
    [InlineData(Change.Demoted)]
    [InlineData(Change.PasswordChanged)]
    public async Task Old_access_token_gets_401_on_every_authenticated_route_of_another_instance_within_5_seconds(Change change)
    {
        var m = await MemberAsync();
        // Accepted everywhere first (an admin: no route answers 403), which also warms the other instance's cache.
        var before = await ApiRoutes.WalkAsync(f.Other, m.AccessToken);
        Assert.Contains(before, r => r.Route.Route == "realtime/negotiate" && r.Status == 200);
        Assert.All(before, r => Assert.True(r.Status is not (401 or 403), $"{r.Route} answered {r.Status} before the change"));

        var sinceChange = Stopwatch.StartNew();
        await ApplyAsync(change, m);

        // Once one route refuses it, the instance knows the token's user moved on, and every route must refuse it.
        using (var theirs = f.Other.Client(m.AccessToken))
        {
            await ReadRefusedWithinPromiseAsync(sinceChange, theirs, "agents");
        }
        var open = (await ApiRoutes.WalkAsync(f.Other, m.AccessToken)).Where(r => r.Status != 401).ToList();
        Assert.True(open.Count == 0, $"still accepted after the change: {string.Join(", ", open.Select(r => $"{r.Route} {r.Status}"))}");
    }

    [Fact]
    public async Task Demoted_admin_cannot_promote_itself_again()
    {
        var m = await MemberAsync();
        using var mine = f.Api.Client(m.AccessToken);
        using var theirs = f.Other.Client(m.AccessToken);
        await TenantSession.Read(await theirs.GetAsync("members"), 200);

        var sinceChange = Stopwatch.StartNew();
        await ApplyAsync(Change.Demoted, m);

        // The instance that demoted it forgot the old token at once; the other within the promise.
        await Problems.AssertProblem(await mine.PatchAsync($"members/{m.Id}", ApiFixture.Json(new { role = "admin" })), 401);
        await ReadRefusedWithinPromiseAsync(sinceChange, theirs);
        await Problems.AssertProblem(await theirs.PatchAsync($"members/{m.Id}", ApiFixture.Json(new { role = "admin" })), 401);
        // Signed in again it is a user, and a user may not change roles.
        var fresh = await f.Api.LoginOkAsync(m.Email, Password);
        using var asUser = f.Api.Client(fresh["access_token"]!.GetValue<string>());
        await Problems.AssertProblem(await asUser.PatchAsync($"members/{m.Id}", ApiFixture.Json(new { role = "admin" })), 403);

        using var admin = m.Admin.Client();
        var members = (await TenantSession.Read(await admin.GetAsync("members"), 200))["items"]!.AsArray();
        Assert.Equal("user", members.Single(x => x!["id"]!.GetValue<string>() == m.Id)!["role"]!.GetValue<string>());
    }

    [Fact]
    public async Task Deleted_admin_cannot_create_an_admin()
    {
        var m = await MemberAsync();
        using var mine = f.Api.Client(m.AccessToken);
        using var theirs = f.Other.Client(m.AccessToken);
        await TenantSession.Read(await theirs.GetAsync("members"), 200);
        object Backdoor() => new { email = $"backdoor-{Guid.NewGuid():N}@example.com", name = "Backdoor", role = "admin", password = "backdoor-velvet-harbor-91" };

        var sinceChange = Stopwatch.StartNew();
        await ApplyAsync(Change.Removed, m);

        await Problems.AssertProblem(await mine.PostAsync("members", ApiFixture.Json(Backdoor())), 401);
        await ReadRefusedWithinPromiseAsync(sinceChange, theirs);
        await Problems.AssertProblem(await theirs.PostAsync("members", ApiFixture.Json(Backdoor())), 401);
        await Problems.AssertProblem(await f.Api.RefreshAsync(m.RefreshToken), 401);

        using var admin = m.Admin.Client();
        var members = (await TenantSession.Read(await admin.GetAsync("members"), 200))["items"]!.AsArray();
        Assert.Equal([m.Admin.UserId], members.Select(x => x!["id"]!.GetValue<string>()));
    }

    [Fact]
    public async Task Password_change_answers_new_tokens_and_ends_every_other_session()
    {
        var m = await MemberAsync("user");
        var second = await f.Api.LoginOkAsync(m.Email, Password);
        using var self = f.Api.Client(m.AccessToken);

        var tokens = await TenantSession.Read(await self.PostAsync("auth/password", ApiFixture.Json(new { current_password = Password, new_password = NewPassword })), 200);

        await Problems.AssertProblem(await f.Api.MeAsync(m.AccessToken), 401);
        await Problems.AssertProblem(await f.Api.MeAsync(second["access_token"]!.GetValue<string>()), 401);
        await Problems.AssertProblem(await f.Api.RefreshAsync(m.RefreshToken), 401);
        await Problems.AssertProblem(await f.Api.RefreshAsync(second["refresh_token"]!.GetValue<string>()), 401);
        await TenantSession.Read(await f.Api.MeAsync(tokens["access_token"]!.GetValue<string>()), 200);
        await TenantSession.Read(await f.Api.RefreshAsync(tokens["refresh_token"]!.GetValue<string>()), 200);
        await Problems.AssertProblem(await f.Api.LoginAsync(m.Email, Password, AuthRequests.UniqueIp()), 401);
        await TenantSession.Read(await f.Api.LoginAsync(m.Email, NewPassword, AuthRequests.UniqueIp()), 200);
    }

    [Fact]
    public async Task Password_change_needs_the_current_password_and_a_new_one_that_is_hard_to_guess()
    {
        var m = await MemberAsync("user");
        using var self = f.Api.Client(m.AccessToken);

        await Problems.AssertProblem(await self.PostAsync("auth/password", ApiFixture.Json(new { current_password = "not-the-password", new_password = NewPassword })), 400, "current_password");
        var weak = await Problems.AssertProblem(await self.PostAsync("auth/password", ApiFixture.Json(new { current_password = Password, new_password = "password1234" })), 400, "new_password");
        Assert.Contains("common password", weak["errors"]!["new_password"]![0]!.GetValue<string>(), StringComparison.Ordinal);
        var empty = await Problems.AssertProblem(await self.PostAsync("auth/password", ApiFixture.Json(new { })), 400);
        Assert.Equal(["current_password", "new_password"], empty["errors"]!.AsObject().Select(e => e.Key).Order());

        // Nothing changed: the old token and password still work.
        await TenantSession.Read(await f.Api.MeAsync(m.AccessToken), 200);
        await TenantSession.Read(await f.Api.LoginAsync(m.Email, Password, AuthRequests.UniqueIp()), 200);
    }

    [Theory]
    [InlineData(Change.Removed)]
    [InlineData(Change.Demoted)]
    [InlineData(Change.PasswordChanged)]
    public async Task Old_access_token_is_closed_with_4401_at_ws_within_5_seconds_while_a_call_in_progress_goes_on(Change change)
    {
        var m = await MemberAsync();
        var agentId = (await m.Admin.CreateAgentAsync())["id"]!.GetValue<string>();
        await using var inProgress = await VoiceClient.ConnectAsync(f.Voice.WebSocketUri);
        await inProgress.AuthenticateAsync(m.AccessToken, agentId);

        var sinceChange = Stopwatch.StartNew();
        await ApplyAsync(change, m);

        await RefusedWithinPromiseAsync(sinceChange, async () =>
        {
            await using var caller = await VoiceClient.ConnectAsync(f.Voice.WebSocketUri);
            await caller.SendJsonAsync(new { type = "auth", token = m.AccessToken, agent_id = agentId, sample_rate = 16000 });
            var ready = caller.WaitForAsync("ready", TimeSpan.FromSeconds(5));
            if (await Task.WhenAny(ready, caller.Closed.Task) == ready && ready.IsCompletedSuccessfully) return (false, "ready");
            await caller.Closed.Task.WaitAsync(TimeSpan.FromSeconds(5));
            return ((int?)caller.CloseStatus == 4401 && (caller.CloseReason ?? "").Contains("token", StringComparison.Ordinal),
                $"closed {(int?)caller.CloseStatus} {caller.CloseReason}");
        });

        // The call that began before the change is not cut off.
        Assert.Equal(System.Net.WebSockets.WebSocketState.Open, inProgress.State);
        await inProgress.SendJsonAsync(new { type = "end" });
        var end = await inProgress.WaitForAsync("end", TimeSpan.FromSeconds(10));
        Assert.Equal("caller_ended", end["reason"]!.GetValue<string>());
    }

    [Fact]
    public async Task Removed_members_live_update_connections_are_closed_and_the_rest_of_the_organization_stays_connected()
    {
        var m = await MemberAsync("user");
        async Task<PubSubClient> ConnectAsync(string token)
        {
            using var client = f.Api.Client(token);
            var negotiated = await TenantSession.Read(await client.GetAsync("realtime/negotiate"), 200);
            var connection = await PubSubClient.ConnectAsync(new Uri(negotiated["url"]!.GetValue<string>()));
            await connection.WaitForAsync(x => x["event"]?.GetValue<string>() == "connected", TimeSpan.FromSeconds(10), "connected");
            return connection;
        }
        await using var member = await ConnectAsync(m.AccessToken);
        await using var memberSecondTab = await ConnectAsync(m.AccessToken);
        await using var admin = await ConnectAsync(m.Admin.AccessToken);

        await ApplyAsync(Change.Removed, m);

        foreach (var tab in new[] { member, memberSecondTab })
        {
            var disconnected = await tab.WaitForAsync(x => x["event"]?.GetValue<string>() == "disconnected", Promise, "disconnected");
            Assert.Contains("removed", disconnected["message"]!.GetValue<string>(), StringComparison.Ordinal);
            await tab.Closed.WaitAsync(Promise);
        }
        using (var removed = f.Api.Client(m.AccessToken))
        {
            await Problems.AssertProblem(await removed.GetAsync("realtime/negotiate"), 401);
        }

        using var http = new HttpClient();
        var publisher = new WebPubSubClient(http, WebPubSubConnectionString.Parse(f.PubSub.ConnectionString), new WebPubSubOptions(), TimeProvider.System);
        await publisher.PublishAsync(m.Admin.TenantId, new JsonObject { ["id"] = "still-here", ["type"] = "call.started" }, CancellationToken.None);
        await admin.WaitForAsync(x => PubSubClient.IsEvent(x, "still-here"), TimeSpan.FromSeconds(10), "the event after the removal");
        Assert.DoesNotContain(admin.Seen, x => x["event"]?.GetValue<string>() == "disconnected");
    }

    [Fact]
    public async Task Token_without_a_version_counts_as_version_0_until_the_user_moves_on()
    {
        var m = await MemberAsync();
        var legacy = WithoutVersion(m.AccessToken);
        Assert.Null(Jwt.Payload(legacy)["ver"]);

        await TenantSession.Read(await f.Api.MeAsync(legacy), 200);
        await ApplyAsync(Change.Demoted, m);
        await Problems.AssertProblem(await f.Api.MeAsync(legacy), 401);
    }

    /// <summary>The same claims less <c>ver</c>, signed with the runner's key: a token issued before versions existed.</summary>
    private static string WithoutVersion(string token)
    {
        var parts = token.Split('.');
        var payload = Jwt.Payload(token);
        payload.Remove("ver");
        var signed = $"{parts[0]}.{Jwt.Encode(payload)}";
        var signature = HMACSHA256.HashData(Encoding.UTF8.GetBytes(ApiFixture.SigningKey), Encoding.ASCII.GetBytes(signed));
        return $"{signed}.{System.Buffers.Text.Base64Url.EncodeToString(signature)}";
    }
}
