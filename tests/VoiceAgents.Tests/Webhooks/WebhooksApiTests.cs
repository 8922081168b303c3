using System.Text.Json.Nodes;
using VoiceAgents.Core.Events;
using VoiceAgents.Tests.Infrastructure;
using static VoiceAgents.Tests.Webhooks.WebhookSteps;

namespace VoiceAgents.Tests.Webhooks;

/// <summary>The webhooks management API: CRUD, validation, the secret shown once, rotation and the test endpoint.</summary>
[Collection(WebhooksCollection.Name)]
public sealed class WebhooksApiTests(WebhooksFixture fixture)
{
    private ApiFixture Api => fixture.Api;

    [Fact]
    public async Task Create_answers_a_generated_secret_once_and_get_and_list_never_show_it()
    {
        var tenant = await Api.SignupAsync("webhooks-create");
        using var client = tenant.Client();

        var response = await client.PostAsync("webhooks", ApiFixture.Json(new { url = "http://127.0.0.1:9/hooks", events = new[] { "call.completed", "campaign.completed" } }));
        var created = await TenantSession.Read(response, 201);

        var id = created["id"]!.GetValue<string>();
        var secret = created["secret"]!.GetValue<string>();
        Assert.Equal($"/api/webhooks/{id}", response.Headers.Location?.OriginalString);
        Assert.StartsWith("whsec_", secret, StringComparison.Ordinal);
        Assert.Equal(32, Convert.FromBase64String(Base64(secret["whsec_".Length..])).Length);
        Assert.Equal("http://127.0.0.1:9/hooks", created["url"]!.GetValue<string>());
        Assert.Equal(["call.completed", "campaign.completed"], created["events"]!.AsArray().Select(e => e!.GetValue<string>()));

        var fetched = await TenantSession.Read(await client.GetAsync($"webhooks/{id}"), 200);
        Assert.False(fetched.AsObject().ContainsKey("secret"));
        Assert.Equal(created["created_at"]!.GetValue<string>(), fetched["created_at"]!.GetValue<string>());
        var list = await TenantSession.Read(await client.GetAsync("webhooks"), 200);
        var item = Assert.Single(list["items"]!.AsArray())!;
        Assert.Equal(id, item["id"]!.GetValue<string>());
        Assert.False(item.AsObject().ContainsKey("secret"));
        Assert.DoesNotContain(secret, list.ToJsonString(), StringComparison.Ordinal);

        // A second webhook gets a secret of its own.
        var other = await CreateWebhookAsync(tenant, "http://127.0.0.1:9/other");
        Assert.NotEqual(secret, other["secret"]!.GetValue<string>());
    }

    [Fact]
    public async Task Create_keeps_a_given_secret_and_update_replaces_url_events_and_secret()
    {
        var tenant = await Api.SignupAsync("webhooks-update");
        using var client = tenant.Client();
        var created = await TenantSession.Read(await client.PostAsync("webhooks", ApiFixture.Json(new
        {
            url = "http://127.0.0.1:9/a", events = new[] { "call.completed" }, secret = "my-own-secret-0123456789",
        })), 201);
        Assert.Equal("my-own-secret-0123456789", created["secret"]!.GetValue<string>());
        var id = created["id"]!.GetValue<string>();

        var updated = await TenantSession.Read(await client.PutAsync($"webhooks/{id}", ApiFixture.Json(new
        {
            url = "http://127.0.0.1:9/b", events = new[] { "call.started", "call.started" },
        })), 200);
        Assert.Equal("http://127.0.0.1:9/b", updated["url"]!.GetValue<string>());
        Assert.Equal(["call.started"], updated["events"]!.AsArray().Select(e => e!.GetValue<string>()));
        Assert.False(updated.AsObject().ContainsKey("secret"));

        // The secret is kept unless one is given; either way deliveries sign with the current one.
        await using var receiver = await Receiver.StartAsync();
        await TenantSession.Read(await client.PutAsync($"webhooks/{id}", ApiFixture.Json(new { url = receiver.Url, events = new[] { "call.started" } })), 200);
        await TenantSession.Read(await client.PostAsync($"webhooks/{id}/test", null), 200);
        Assert.True(Receiver.Verify(receiver.Requests[^1], "my-own-secret-0123456789"));

        await TenantSession.Read(await client.PutAsync($"webhooks/{id}", ApiFixture.Json(new { url = receiver.Url, events = new[] { "call.started" }, secret = "a-replaced-secret-987654" })), 200);
        await TenantSession.Read(await client.PostAsync($"webhooks/{id}/test", null), 200);
        Assert.True(Receiver.Verify(receiver.Requests[^1], "a-replaced-secret-987654"));
        Assert.False(Receiver.Verify(receiver.Requests[^1], "my-own-secret-0123456789"));
    }

    [Fact]
    public async Task Rotate_secret_answers_a_new_secret_once_and_later_deliveries_sign_with_it()
    {
        var tenant = await Api.SignupAsync("webhooks-rotate");
        await using var receiver = await Receiver.StartAsync();
        var created = await CreateWebhookAsync(tenant, receiver.Url);
        var id = created["id"]!.GetValue<string>();
        var old = created["secret"]!.GetValue<string>();
        using var client = tenant.Client();

        var rotated = await TenantSession.Read(await client.PostAsync($"webhooks/{id}/rotate-secret", null), 200);

        var secret = rotated["secret"]!.GetValue<string>();
        Assert.StartsWith("whsec_", secret, StringComparison.Ordinal);
        Assert.NotEqual(old, secret);
        Assert.False((await TenantSession.Read(await client.GetAsync($"webhooks/{id}"), 200)).AsObject().ContainsKey("secret"));
        await TenantSession.Read(await client.PostAsync($"webhooks/{id}/test", null), 200);
        var request = receiver.Requests[^1];
        Assert.True(Receiver.Verify(request, secret));
        Assert.False(Receiver.Verify(request, old));
    }

    [Fact]
    public async Task Test_endpoint_sends_a_signed_webhook_test_event_now_and_logs_the_delivery()
    {
        var tenant = await Api.SignupAsync("webhooks-test");
        await using var receiver = await Receiver.StartAsync();
        var created = await CreateWebhookAsync(tenant, receiver.Url, EventTypes.CallCompleted);
        var id = created["id"]!.GetValue<string>();
        using var client = tenant.Client();

        var result = await TenantSession.Read(await client.PostAsync($"webhooks/{id}/test", null), 200);

        Assert.Equal(("succeeded", 200), (result["status"]!.GetValue<string>(), result["status_code"]!.GetValue<int>()));
        var request = receiver.Single();
        Assert.Equal(("POST", "/hooks/voiceagents"), (request.Method, request.Path));
        Assert.True(Receiver.Verify(request, created["secret"]!.GetValue<string>()));
        Assert.StartsWith("application/json", request.Header("Content-Type"), StringComparison.Ordinal);
        Assert.Equal("VoiceAgents-Webhooks/1", request.Header("User-Agent"));
        var payload = JsonNode.Parse(request.Body)!;
        var eventId = result["event_id"]!.GetValue<string>();
        Assert.Equal((eventId, "webhook.test"), (payload["id"]!.GetValue<string>(), payload["type"]!.GetValue<string>()));
        Assert.Equal(id, payload["data"]!["webhook_id"]!.GetValue<string>());
        Assert.True(DateTime.TryParse(payload["created_at"]!.GetValue<string>(), out _));
        Assert.Equal((eventId, eventId), (request.Header("X-Webhook-Id"), request.Header("Idempotency-Key")));

        var delivery = Assert.Single(await DeliveriesAsync(tenant, id))!;
        Assert.Equal(result["delivery_id"]!.GetValue<string>(), delivery["id"]!.GetValue<string>());
        Assert.Equal((eventId, "webhook.test", "succeeded", 1, 200),
            (delivery["event_id"]!.GetValue<string>(), delivery["event_type"]!.GetValue<string>(), delivery["status"]!.GetValue<string>(),
             delivery["attempts"]!.GetValue<int>(), delivery["last_status_code"]!.GetValue<int>()));
    }

    [Fact]
    public async Task Test_endpoint_reports_a_failing_endpoint_without_retrying()
    {
        var tenant = await Api.SignupAsync("webhooks-test-fail");
        await using var receiver = await Receiver.StartAsync(503, 503);
        var id = (await CreateWebhookAsync(tenant, receiver.Url))["id"]!.GetValue<string>();
        using var client = tenant.Client();

        var result = await TenantSession.Read(await client.PostAsync($"webhooks/{id}/test", null), 200);

        Assert.Equal(("failed", 503), (result["status"]!.GetValue<string>(), result["status_code"]!.GetValue<int>()));
        Assert.Contains("503", result["error"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Single(receiver.Requests);
        var delivery = Assert.Single(await DeliveriesAsync(tenant, id))!;
        Assert.Equal(("failed", 503), (delivery["status"]!.GetValue<string>(), delivery["last_status_code"]!.GetValue<int>()));
    }

    [Fact]
    public async Task Deliveries_are_listed_newest_first_by_cursor()
    {
        var tenant = await Api.SignupAsync("webhooks-deliveries");
        await using var receiver = await Receiver.StartAsync();
        var id = (await CreateWebhookAsync(tenant, receiver.Url))["id"]!.GetValue<string>();
        using var client = tenant.Client();
        var sent = new List<string>();
        for (var i = 0; i < 3; i++)
        {
            sent.Add((await TenantSession.Read(await client.PostAsync($"webhooks/{id}/test", null), 200))["event_id"]!.GetValue<string>());
        }

        var first = await TenantSession.Read(await client.GetAsync($"webhooks/{id}/deliveries?limit=2"), 200);
        var second = await TenantSession.Read(await client.GetAsync($"webhooks/{id}/deliveries?limit=2&cursor={first["next_cursor"]!.GetValue<string>()}"), 200);

        var listed = first["items"]!.AsArray().Concat(second["items"]!.AsArray()).Select(d => d!["event_id"]!.GetValue<string>());
        Assert.Equal(Enumerable.Reverse(sent), listed);
        Assert.False(second.AsObject().ContainsKey("next_cursor"));
        await Problems.AssertProblem(await client.GetAsync($"webhooks/{id}/deliveries?cursor=bogus"), 400, "cursor");
    }

    [Theory]
    [InlineData("{}", "url")]
    [InlineData("""{"url": "ftp://127.0.0.1/hook", "events": ["call.completed"]}""", "url")]
    [InlineData("""{"url": "not a url", "events": ["call.completed"]}""", "url")]
    [InlineData("""{"url": "http://user:pw@127.0.0.1/hook", "events": ["call.completed"]}""", "url")]
    [InlineData("""{"url": "http://127.0.0.1/hook"}""", "events")]
    [InlineData("""{"url": "http://127.0.0.1/hook", "events": []}""", "events")]
    [InlineData("""{"url": "http://127.0.0.1/hook", "events": ["call.completed", "call.exploded"]}""", "events[1]")]
    [InlineData("""{"url": "http://127.0.0.1/hook", "events": ["call.completed"], "secret": "short"}""", "secret")]
    public async Task Invalid_webhook_is_a_validation_problem(string body, string field)
    {
        var tenant = await Api.SignupAsync("webhooks-invalid");
        using var client = tenant.Client();

        await Problems.AssertProblem(await client.PostAsync("webhooks", ApiFixture.RawJson(body)), 400, field);

        var id = (await CreateWebhookAsync(tenant, "http://127.0.0.1:9/hook"))["id"]!.GetValue<string>();
        await Problems.AssertProblem(await client.PutAsync($"webhooks/{id}", ApiFixture.RawJson(body)), 400, field);
        Assert.Single((await TenantSession.Read(await client.GetAsync("webhooks"), 200))["items"]!.AsArray());
    }

    [Fact]
    public async Task Delete_removes_the_webhook_and_another_tenant_sees_none_of_it()
    {
        var tenant = await Api.SignupAsync("webhooks-delete");
        var other = await Api.SignupAsync("webhooks-other");
        var id = (await CreateWebhookAsync(tenant, "http://127.0.0.1:9/hook"))["id"]!.GetValue<string>();
        using (var stranger = other.Client())
        {
            await Problems.AssertNotFound(await stranger.GetAsync($"webhooks/{id}"));
            await Problems.AssertNotFound(await stranger.PutAsync($"webhooks/{id}", ApiFixture.Json(new { url = "http://127.0.0.1:9/x", events = new[] { "call.completed" } })));
            await Problems.AssertNotFound(await stranger.PostAsync($"webhooks/{id}/rotate-secret", null));
            await Problems.AssertNotFound(await stranger.PostAsync($"webhooks/{id}/test", null));
            await Problems.AssertNotFound(await stranger.GetAsync($"webhooks/{id}/deliveries"));
            await Problems.AssertNotFound(await stranger.DeleteAsync($"webhooks/{id}"));
            Assert.Empty((await TenantSession.Read(await stranger.GetAsync("webhooks"), 200))["items"]!.AsArray());
        }
        using var client = tenant.Client();

        Assert.Equal(204, (int)(await client.DeleteAsync($"webhooks/{id}")).StatusCode);

        await Problems.AssertNotFound(await client.GetAsync($"webhooks/{id}"));
        await Problems.AssertNotFound(await client.DeleteAsync($"webhooks/{id}"));
        await Problems.AssertProblem(await client.GetAsync("webhooks/not-an-id"), 400, "id");
    }

    [Fact]
    public async Task Members_who_are_not_admins_may_read_webhooks_but_not_change_them()
    {
        var tenant = await Api.SignupAsync("webhooks-roles");
        var id = (await CreateWebhookAsync(tenant, "http://127.0.0.1:9/hook"))["id"]!.GetValue<string>();
        var email = $"member-{Guid.NewGuid():N}@example.com";
        using (var admin = tenant.Client())
        {
            await TenantSession.Read(await admin.PostAsync("members", ApiFixture.Json(new { email, name = "Grace", role = "user", password = "member-orchid-lantern-73" })), 201);
        }
        var tokens = await Api.LoginOkAsync(email, "member-orchid-lantern-73");
        using var member = Api.Client(tokens["access_token"]!.GetValue<string>());

        await TenantSession.Read(await member.GetAsync("webhooks"), 200);
        await TenantSession.Read(await member.GetAsync($"webhooks/{id}"), 200);
        await TenantSession.Read(await member.GetAsync($"webhooks/{id}/deliveries"), 200);
        var body = ApiFixture.Json(new { url = "http://127.0.0.1:9/x", events = new[] { "call.completed" } });
        await Problems.AssertProblem(await member.PostAsync("webhooks", body), 403);
        await Problems.AssertProblem(await member.PutAsync($"webhooks/{id}", body), 403);
        await Problems.AssertProblem(await member.PostAsync($"webhooks/{id}/rotate-secret", null), 403);
        await Problems.AssertProblem(await member.PostAsync($"webhooks/{id}/test", null), 403);
        await Problems.AssertProblem(await member.DeleteAsync($"webhooks/{id}"), 403);
        using var anon = Api.Client();
        await Problems.AssertProblem(await anon.GetAsync("webhooks"), 401);
    }

    private static string Base64(string base64Url)
    {
        var s = base64Url.Replace('-', '+').Replace('_', '/');
        return s + new string('=', (4 - s.Length % 4) % 4);
    }
}
