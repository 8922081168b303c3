using System.Diagnostics;
using System.Net;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using MongoDB.Bson;
using MongoDB.Driver;
using VoiceAgents.Core.Data;
using VoiceAgents.Functions.Infrastructure;
using VoiceAgents.Tests.Infrastructure;

namespace VoiceAgents.Tests.Auth;

/// <summary>
/// API keys: made by admins, shown once, stored as a hash, working as <c>Bearer va_sk_…</c> within their scopes,
/// never on members, keys or a person's own routes, and refused everywhere within 5 s of their revocation.
/// </summary>
[Collection(CallAuthCollection.Name)]
public sealed class ApiKeyTests(CallAuthFixture f)
{
    public static async Task<(string Id, string Secret)> CreateKeyAsync(TenantSession admin, params string[] scopes)
    {
        using var client = admin.Client();
        var key = await TenantSession.Read(await client.PostAsync("api-keys", ApiFixture.Json(new { name = "Backend", scopes })), 201);
        return (key["id"]!.GetValue<string>(), key["secret"]!.GetValue<string>());
    }

    [Fact]
    public async Task Secret_is_shown_once_stored_only_as_a_hash_and_never_listed()
    {
        var admin = await f.Api.SignupAsync("keys");
        using var client = admin.Client();
        var created = await TenantSession.Read(await client.PostAsync("api-keys", ApiFixture.Json(new { name = "CRM sync", scopes = new[] { "write", "read" } })), 201);
        var secret = created["secret"]!.GetValue<string>();
        Assert.StartsWith("va_sk_", secret);
        Assert.Equal(secret[..14], created["prefix"]!.GetValue<string>());
        Assert.Equal(["read", "write"], created["scopes"]!.AsArray().Select(s => s!.GetValue<string>()));

        var listed = await (await client.GetAsync("api-keys")).Content.ReadAsStringAsync();
        Assert.DoesNotContain(secret, listed);
        var item = Assert.Single(JsonNode.Parse(listed)!["items"]!.AsArray())!;
        Assert.Null(item["secret"]);
        Assert.Equal(created["id"]!.GetValue<string>(), item["id"]!.GetValue<string>());

        var stored = await f.Api.Services.GetRequiredService<MongoContext>().Database.GetCollection<BsonDocument>("api_keys")
            .Find(new BsonDocument("_id", ObjectId.Parse(created["id"]!.GetValue<string>()))).SingleAsync();
        Assert.DoesNotContain(secret, stored.ToJson());
        Assert.Equal(64, stored["secret_hash"].AsString.Length);
    }

    [Fact]
    public async Task Key_acts_as_its_tenant_on_both_instances()
    {
        var admin = await f.Api.SignupAsync("keys");
        var agent = await admin.CreateAgentAsync("Front desk");
        var (_, secret) = await CreateKeyAsync(admin, "read");
        using var other = f.Other.Client(secret);
        var page = await TenantSession.Read(await other.GetAsync("agents"), 200);
        Assert.Equal(agent["id"]!.GetValue<string>(), Assert.Single(page["items"]!.AsArray())!["id"]!.GetValue<string>());
    }

    [Fact]
    public async Task Read_only_key_gets_403_on_a_write_and_a_write_key_may_write()
    {
        var admin = await f.Api.SignupAsync("keys");
        var (_, reader) = await CreateKeyAsync(admin, "read");
        using (var client = f.Api.Client(reader))
        {
            var refused = await client.PostAsync("agents", ApiFixture.Json(TenantSession.ValidAgent()));
            var problem = await TenantSession.Read(refused, 403);
            Assert.Contains("'write' scope", problem["detail"]!.GetValue<string>());
        }
        var (_, writer) = await CreateKeyAsync(admin, "write");
        using (var client = f.Api.Client(writer))
        {
            var agent = await TenantSession.Read(await client.PostAsync("agents", ApiFixture.Json(TenantSession.ValidAgent())), 201);
            Assert.Equal(HttpStatusCode.NoContent, (await client.DeleteAsync($"agents/{agent["id"]!.GetValue<string>()}")).StatusCode);
            Assert.Equal(HttpStatusCode.Forbidden, (await client.GetAsync("agents")).StatusCode);
        }
    }

    [Fact]
    public async Task Read_key_is_refused_with_403_on_exactly_the_routes_that_need_another_scope_or_a_member()
    {
        var admin = await f.Api.SignupAsync("keys");
        var (_, secret) = await CreateKeyAsync(admin, "read");
        var scopes = new FunctionCatalog([typeof(ApiSetup).Assembly]).Http.ToDictionary(h => h.Name, h => h.ApiKeyScope);

        var walked = await ApiRoutes.WalkAsync(f.Api, secret);
        var wrong = walked.Where(r => (scopes[r.Route.Function] == "read") == r.Status is 401 or 403).ToList();
        Assert.True(wrong.Count == 0, string.Join(", ", wrong.Select(r => $"{r.Route} (scope {scopes[r.Route.Function] ?? "none"}) answered {r.Status}")));
        Assert.Contains(walked, r => r.Route.ToString() == "GET /agents" && r.Status == 200);
        Assert.Contains(walked, r => r.Route.ToString() == "POST /agents" && r.Status == 403);
    }

    [Theory]
    [InlineData("health")]
    [InlineData("openapi.json")]
    public async Task Key_on_a_route_anyone_may_call_is_served_like_anyone(string path)
    {
        var admin = await f.Api.SignupAsync("keys");
        var (_, secret) = await CreateKeyAsync(admin, "read");
        using var client = f.Api.Client(secret);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync(path)).StatusCode);
    }

    [Theory]
    [InlineData("GET", "members")]
    [InlineData("POST", "members")]
    [InlineData("GET", "api-keys")]
    [InlineData("POST", "api-keys")]
    [InlineData("GET", "auth/me")]
    [InlineData("POST", "auth/password")]
    [InlineData("GET", "realtime/negotiate")]
    public async Task Key_with_every_scope_never_manages_members_keys_or_a_persons_account(string method, string path)
    {
        var admin = await f.Api.SignupAsync("keys");
        var (_, secret) = await CreateKeyAsync(admin, "read", "write", "calls");
        using var client = f.Api.Client(secret);
        var request = new HttpRequestMessage(new HttpMethod(method), path);
        if (method != "GET") request.Content = ApiFixture.Json(new { name = "Mallory", scopes = new[] { "read" } });
        var problem = await TenantSession.Read(await client.SendAsync(request), 403);
        Assert.Contains("member", problem["detail"]!.GetValue<string>());
    }

    [Fact]
    public async Task Revoked_key_is_refused_by_another_instance_within_5_seconds()
    {
        var admin = await f.Api.SignupAsync("keys");
        var (id, secret) = await CreateKeyAsync(admin, "read");
        using var theirs = f.Other.Client(secret);
        // Accepted first, which also caches the key on the other instance.
        Assert.Equal(HttpStatusCode.OK, (await theirs.GetAsync("agents")).StatusCode);

        var sinceRevoke = Stopwatch.StartNew();
        using (var client = admin.Client())
        {
            Assert.Equal(HttpStatusCode.NoContent, (await client.DeleteAsync($"api-keys/{id}")).StatusCode);
        }
        using (var mine = f.Api.Client(secret))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, (await mine.GetAsync("agents")).StatusCode);
        }
        while (true)
        {
            var startedAt = sinceRevoke.Elapsed;
            var status = (await theirs.GetAsync("agents")).StatusCode;
            if (status == HttpStatusCode.Unauthorized)
            {
                Assert.True(startedAt <= TimeSpan.FromSeconds(5), $"refused only {startedAt.TotalSeconds:F1} s after the revocation");
                break;
            }
            Assert.True(sinceRevoke.Elapsed <= TimeSpan.FromSeconds(5), $"still {status} {sinceRevoke.Elapsed.TotalSeconds:F1} s after the revocation");
            await Task.Delay(100);
        }
        using var list = admin.Client();
        var item = Assert.Single((await TenantSession.Read(await list.GetAsync("api-keys"), 200))["items"]!.AsArray())!;
        Assert.NotNull(item["revoked_at"]);
    }

    [Fact]
    public async Task Last_used_at_is_set_by_the_first_use_and_not_rewritten_within_the_minute()
    {
        var admin = await f.Api.SignupAsync("keys");
        var (_, secret) = await CreateKeyAsync(admin, "read");
        using var admins = admin.Client();
        async Task<string?> LastUsedAsync() =>
            Assert.Single((await TenantSession.Read(await admins.GetAsync("api-keys"), 200))["items"]!.AsArray())!["last_used_at"]?.GetValue<string>();

        Assert.Null(await LastUsedAsync());
        using var client = f.Api.Client(secret);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("agents")).StatusCode);
        var first = await LastUsedAsync();
        Assert.NotNull(first);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("agents")).StatusCode);
        using var other = f.Other.Client(secret);
        Assert.Equal(HttpStatusCode.OK, (await other.GetAsync("agents")).StatusCode);
        Assert.Equal(first, await LastUsedAsync());
    }

    [Theory]
    [InlineData("""{"name":"x","scopes":[]}""", "scopes")]
    [InlineData("""{"name":"x","scopes":["admin"]}""", "scopes[0]")]
    [InlineData("""{"scopes":["read"]}""", "name")]
    public async Task Bad_key_requests_get_400_naming_the_field(string body, string field)
    {
        var admin = await f.Api.SignupAsync("keys");
        using var client = admin.Client();
        var problem = await TenantSession.Read(await client.PostAsync("api-keys", ApiFixture.RawJson(body)), 400);
        Assert.NotNull(problem["errors"]![field]);
    }

    [Fact]
    public async Task Member_who_is_not_an_admin_cannot_create_keys()
    {
        var admin = await f.Api.SignupAsync("keys");
        var email = $"member-{Guid.NewGuid():N}@example.com";
        using (var client = admin.Client())
        {
            await TenantSession.Read(await client.PostAsync("members", ApiFixture.Json(new { email, name = "Ada", role = "user", password = "member-orchid-lantern-73" })), 201);
        }
        var tokens = await f.Api.LoginOkAsync(email, "member-orchid-lantern-73");
        using var member = f.Api.Client(tokens["access_token"]!.GetValue<string>());
        Assert.Equal(HttpStatusCode.Forbidden, (await member.PostAsync("api-keys", ApiFixture.Json(new { name = "x", scopes = new[] { "read" } }))).StatusCode);
    }
}
