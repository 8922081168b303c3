using System.Net;
using System.Text.Json.Nodes;
using MongoDB.Bson;
using MongoDB.Driver;
using VoiceAgents.Tests.Infrastructure;

namespace VoiceAgents.Tests.Api;

/// <summary>Admins manage their organization's users; an organization always keeps at least one admin.</summary>
[Collection(ApiCollection.Name)]
public sealed class MembersTests(ApiFixture api)
{
    private const string MemberPassword = "member-orchid-lantern-73";

    private static object NewMember(string role = "user", string? email = null) =>
        new { email = email ?? $"member-{Guid.NewGuid():N}@example.com", name = "Grace Hopper", role, password = MemberPassword };

    private static async Task<JsonNode> CreateMemberAsync(TenantSession admin, string role = "user")
    {
        using var client = admin.Client();
        return await TenantSession.Read(await client.PostAsync("members", ApiFixture.Json(NewMember(role))), 201);
    }

    /// <summary>Logs in as a member created by <see cref="CreateMemberAsync"/>.</summary>
    private async Task<(HttpClient Client, string RefreshToken)> SignInAsync(JsonNode member)
    {
        var tokens = await api.LoginOkAsync(member["email"]!.GetValue<string>(), MemberPassword);
        return (api.Client(tokens["access_token"]!.GetValue<string>()), tokens["refresh_token"]!.GetValue<string>());
    }

    private static async Task<JsonArray> ListAsync(HttpClient client) =>
        (await TenantSession.Read(await client.GetAsync("members"), 200))["items"]!.AsArray();

    private static Task<HttpResponseMessage> PatchRoleAsync(HttpClient client, string id, string role) =>
        client.PatchAsync($"members/{id}", ApiFixture.Json(new { role }));

    private static string RoleIn(JsonArray members, string id) =>
        members.Single(m => m!["id"]!.GetValue<string>() == id)!["role"]!.GetValue<string>();

    /// <summary>The tenant's stored admin count, which guards "never remove the last admin", must match its users.</summary>
    private async Task AssertAdminCountMatchesAsync(TenantSession tenant)
    {
        using var mongo = new MongoClient(LocalStack.MongoUrl);
        var db = mongo.GetDatabase(api.DatabaseName);
        var tenantDoc = await db.GetCollection<BsonDocument>("tenants").Find(new BsonDocument("_id", ObjectId.Parse(tenant.TenantId))).SingleAsync();
        // Read from the database: the test's admin may have demoted itself, which ends its token.
        var admins = await db.GetCollection<BsonDocument>("users").CountDocumentsAsync(new BsonDocument { ["tenant_id"] = tenant.TenantId, ["role"] = "admin" });
        Assert.Equal(admins, tenantDoc["admin_count"].ToInt32());
    }

    [Fact]
    public async Task Admin_lists_the_members_of_their_own_organization_only()
    {
        var tenant = await api.SignupAsync("list");
        var other = await api.SignupAsync("list-other");
        var member = await CreateMemberAsync(tenant);
        using var client = tenant.Client();

        var items = await ListAsync(client);

        Assert.Equal(2, items.Count);
        Assert.Equal("admin", RoleIn(items, tenant.UserId));
        Assert.Equal("user", RoleIn(items, member["id"]!.GetValue<string>()));
        Assert.DoesNotContain(items, m => m!["id"]!.GetValue<string>() == other.UserId);
        Assert.All(items, m =>
        {
            Assert.Null(m!["password_hash"]);
            Assert.Null(m["password"]);
            Assert.False(string.IsNullOrEmpty(m["email"]?.GetValue<string>()));
            Assert.NotNull(m["created_at"]);
            Assert.NotNull(m["updated_at"]);
        });
    }

    [Fact]
    public async Task Admin_adds_a_member_who_can_log_in_with_that_role_in_the_same_organization()
    {
        var tenant = await api.SignupAsync("add");
        using var client = tenant.Client();
        var email = $"New.Member-{Guid.NewGuid():N}@Example.com";

        var response = await client.PostAsync("members", ApiFixture.Json(NewMember("user", email)));

        var member = await TenantSession.Read(response, 201);
        var id = member["id"]!.GetValue<string>();
        Assert.Equal($"/api/members/{id}", response.Headers.Location?.OriginalString);
        Assert.Equal(email.ToLowerInvariant(), member["email"]!.GetValue<string>());
        Assert.Equal("Grace Hopper", member["name"]!.GetValue<string>());
        Assert.Equal("user", member["role"]!.GetValue<string>());
        Assert.Null(member["password_hash"]);

        var (memberClient, _) = await SignInAsync(member);
        using (memberClient)
        {
            var me = await TenantSession.Read(await memberClient.GetAsync("auth/me"), 200);
            Assert.Equal(id, me["id"]!.GetValue<string>());
            Assert.Equal("user", me["role"]!.GetValue<string>());
            Assert.Equal(tenant.TenantId, me["tenant_id"]!.GetValue<string>());
        }
    }

    [Fact]
    public async Task Adding_a_member_with_an_email_already_registered_returns_409()
    {
        var tenant = await api.SignupAsync("dup");
        var other = await api.SignupAsync("dup-other");
        var member = await CreateMemberAsync(tenant);
        using var client = tenant.Client();

        await Problems.AssertProblem(await client.PostAsync("members", ApiFixture.Json(NewMember("user", member["email"]!.GetValue<string>()))), 409);
        await Problems.AssertProblem(await client.PostAsync("members", ApiFixture.Json(NewMember("admin", other.Email.ToUpperInvariant()))), 409);

        Assert.Equal(2, (await ListAsync(client)).Count);
        await AssertAdminCountMatchesAsync(tenant);
    }

    [Fact]
    public async Task Adding_a_member_without_fields_returns_400_for_each()
    {
        var tenant = await api.SignupAsync("add-empty");
        using var client = tenant.Client();

        var problem = await Problems.AssertProblem(await client.PostAsync("members", ApiFixture.Json(new { })), 400);

        Assert.Equal(["email", "name", "password", "role"], problem["errors"]!.AsObject().Select(e => e.Key).Order());
    }

    [Theory]
    [InlineData("superuser")]
    [InlineData("Admin")]
    [InlineData("owner")]
    [InlineData("")]
    public async Task Adding_a_member_with_an_unknown_role_returns_400(string role)
    {
        var tenant = await api.SignupAsync("add-role");
        using var client = tenant.Client();

        var problem = await Problems.AssertProblem(await client.PostAsync("members", ApiFixture.Json(NewMember(role))), 400, "role");

        Assert.Single(problem["errors"]!.AsObject());
        Assert.Single(await ListAsync(client));
    }

    [Fact]
    public async Task Adding_a_member_with_a_short_password_or_bad_email_returns_400()
    {
        var tenant = await api.SignupAsync("add-invalid");
        using var client = tenant.Client();

        var problem = await Problems.AssertProblem(
            await client.PostAsync("members", ApiFixture.Json(new { email = "not-an-email", name = "X", role = "user", password = "short" })), 400);

        Assert.Equal(["email", "password"], problem["errors"]!.AsObject().Select(e => e.Key).Order());
    }

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    public async Task Adding_a_member_with_a_blank_name_returns_400(string name)
    {
        var tenant = await api.SignupAsync("add-blank");
        using var client = tenant.Client();

        var body = new { email = $"member-{Guid.NewGuid():N}@example.com", name, role = "user", password = MemberPassword };
        var problem = await Problems.AssertProblem(await client.PostAsync("members", ApiFixture.Json(body)), 400, "name");

        Assert.Single(problem["errors"]!.AsObject());
    }

    [Fact]
    public async Task User_role_gets_403_on_every_members_endpoint()
    {
        var tenant = await api.SignupAsync("forbidden");
        var member = await CreateMemberAsync(tenant);
        var (client, _) = await SignInAsync(member);
        using (client)
        {
            await Problems.AssertProblem(await client.GetAsync("members"), 403);
            await Problems.AssertProblem(await client.PostAsync("members", ApiFixture.Json(NewMember("admin"))), 403);
            await Problems.AssertProblem(await PatchRoleAsync(client, tenant.UserId, "user"), 403);
            await Problems.AssertProblem(await PatchRoleAsync(client, member["id"]!.GetValue<string>(), "admin"), 403);
            await Problems.AssertProblem(await client.DeleteAsync($"members/{tenant.UserId}"), 403);

            // Still signed in, just not allowed.
            await TenantSession.Read(await client.GetAsync("auth/me"), 200);
        }

        using var admin = tenant.Client();
        var items = await ListAsync(admin);
        Assert.Equal(2, items.Count);
        Assert.Equal("admin", RoleIn(items, tenant.UserId));
        Assert.Equal("user", RoleIn(items, member["id"]!.GetValue<string>()));
    }

    [Fact]
    public async Task Members_endpoints_without_a_token_return_401()
    {
        using var anon = api.Client();
        var id = "0123456789abcdef01234567";

        await Problems.AssertProblem(await anon.GetAsync("members"), 401);
        await Problems.AssertProblem(await anon.PostAsync("members", ApiFixture.Json(NewMember())), 401);
        await Problems.AssertProblem(await PatchRoleAsync(anon, id, "user"), 401);
        await Problems.AssertProblem(await anon.DeleteAsync($"members/{id}"), 401);
    }

    [Fact]
    public async Task Last_admin_cannot_be_demoted()
    {
        var tenant = await api.SignupAsync("last-demote");
        await CreateMemberAsync(tenant);
        using var client = tenant.Client();

        await Problems.AssertProblem(await PatchRoleAsync(client, tenant.UserId, "user"), 409);

        Assert.Equal("admin", RoleIn(await ListAsync(client), tenant.UserId));
        await AssertAdminCountMatchesAsync(tenant);
    }

    [Fact]
    public async Task Last_admin_cannot_be_removed()
    {
        var tenant = await api.SignupAsync("last-remove");
        using var client = tenant.Client();

        await Problems.AssertProblem(await client.DeleteAsync($"members/{tenant.UserId}"), 409);

        Assert.Equal("admin", RoleIn(await ListAsync(client), tenant.UserId));
        await TenantSession.Read(await api.LoginAsync(tenant.Email, tenant.Password, AuthRequests.UniqueIp()), 200);
    }

    [Fact]
    public async Task Setting_the_last_admins_role_to_admin_again_changes_nothing()
    {
        var tenant = await api.SignupAsync("same-role");
        using var client = tenant.Client();

        var member = await TenantSession.Read(await PatchRoleAsync(client, tenant.UserId, "admin"), 200);

        Assert.Equal("admin", member["role"]!.GetValue<string>());
        await AssertAdminCountMatchesAsync(tenant);
    }

    [Fact]
    public async Task With_two_admins_one_can_be_demoted_but_then_not_the_other()
    {
        var tenant = await api.SignupAsync("two-admins");
        var second = await CreateMemberAsync(tenant, "admin");
        var secondId = second["id"]!.GetValue<string>();
        using var client = tenant.Client();

        var demoted = await TenantSession.Read(await PatchRoleAsync(client, secondId, "user"), 200);
        Assert.Equal("user", demoted["role"]!.GetValue<string>());

        await Problems.AssertProblem(await PatchRoleAsync(client, tenant.UserId, "user"), 409);
        var items = await ListAsync(client);
        Assert.Equal("admin", RoleIn(items, tenant.UserId));
        Assert.Equal("user", RoleIn(items, secondId));
        await AssertAdminCountMatchesAsync(tenant);

        var (secondClient, _) = await SignInAsync(second);
        using (secondClient)
        {
            await Problems.AssertProblem(await secondClient.GetAsync("members"), 403);
        }
    }

    [Fact]
    public async Task Refresh_after_a_demotion_issues_a_token_with_the_new_role()
    {
        var tenant = await api.SignupAsync("demoted-refresh");
        var second = await CreateMemberAsync(tenant, "admin");
        var (secondClient, refreshToken) = await SignInAsync(second);
        secondClient.Dispose();
        using var client = tenant.Client();
        await TenantSession.Read(await PatchRoleAsync(client, second["id"]!.GetValue<string>(), "user"), 200);

        var tokens = await TenantSession.Read(await api.RefreshAsync(refreshToken), 200);

        var accessToken = tokens["access_token"]!.GetValue<string>();
        Assert.Equal("user", Jwt.Payload(accessToken)["role"]!.GetValue<string>());
        using var refreshed = api.Client(accessToken);
        await Problems.AssertProblem(await refreshed.GetAsync("members"), 403);
    }

    [Fact]
    public async Task Concurrent_adds_of_one_admin_email_create_one_member_and_count_one_admin()
    {
        var tenant = await api.SignupAsync("add-race");
        using var client = tenant.Client();
        var body = NewMember("admin");

        var responses = await Task.WhenAll(Enumerable.Range(0, 3).Select(_ => client.PostAsync("members", ApiFixture.Json(body))));

        Assert.Single(responses, r => r.StatusCode == HttpStatusCode.Created);
        foreach (var response in responses.Where(r => r.StatusCode != HttpStatusCode.Created))
        {
            await Problems.AssertProblem(response, 409);
        }
        Assert.Equal(2, (await ListAsync(client)).Count);
        await AssertAdminCountMatchesAsync(tenant);
    }

    [Fact]
    public async Task Admin_can_demote_themselves_when_another_admin_exists()
    {
        var tenant = await api.SignupAsync("step-down");
        var member = await CreateMemberAsync(tenant);
        var memberId = member["id"]!.GetValue<string>();
        using var client = tenant.Client();
        await TenantSession.Read(await PatchRoleAsync(client, memberId, "admin"), 200);

        await TenantSession.Read(await PatchRoleAsync(client, tenant.UserId, "user"), 200);

        var (memberClient, _) = await SignInAsync(member);
        using (memberClient)
        {
            var items = await ListAsync(memberClient);
            Assert.Equal("user", RoleIn(items, tenant.UserId));
            Assert.Equal("admin", RoleIn(items, memberId));
        }
        await AssertAdminCountMatchesAsync(tenant);
    }

    [Fact]
    public async Task With_two_admins_one_can_be_removed_but_then_not_the_other()
    {
        var tenant = await api.SignupAsync("remove-admin");
        var second = await CreateMemberAsync(tenant, "admin");
        using var client = tenant.Client();

        var response = await client.DeleteAsync($"members/{second["id"]!.GetValue<string>()}");
        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);

        await Problems.AssertProblem(await client.DeleteAsync($"members/{tenant.UserId}"), 409);
        Assert.Single(await ListAsync(client));
        await AssertAdminCountMatchesAsync(tenant);
    }

    [Fact]
    public async Task Two_admins_demoting_each_other_at_once_leave_exactly_one_admin()
    {
        var tenant = await api.SignupAsync("race");
        var second = await CreateMemberAsync(tenant, "admin");
        var secondId = second["id"]!.GetValue<string>();
        using var first = tenant.Client();
        var (secondClient, _) = await SignInAsync(second);
        using (secondClient)
        {
            var responses = await Task.WhenAll(PatchRoleAsync(first, secondId, "user"), PatchRoleAsync(secondClient, tenant.UserId, "user"));

            Assert.Equal([HttpStatusCode.OK, HttpStatusCode.Conflict], responses.Select(r => r.StatusCode).Order());
        }
        // The demoted one's token no longer works, so the survivor signs in afresh to list.
        var survivor = (await Task.WhenAll(
                api.LoginOkAsync(tenant.Email, tenant.Password),
                api.LoginOkAsync(second["email"]!.GetValue<string>(), MemberPassword)))
            .Select(t => t["access_token"]!.GetValue<string>())
            .Single(t => Jwt.Payload(t)["role"]!.GetValue<string>() == "admin");
        using var survivorClient = api.Client(survivor);
        var items = await ListAsync(survivorClient);
        Assert.Single(items, m => m!["role"]!.GetValue<string>() == "admin");
        await AssertAdminCountMatchesAsync(tenant);
    }

    [Theory]
    [InlineData("superuser")]
    [InlineData("ADMIN")]
    [InlineData("")]
    public async Task Updating_a_member_to_an_unknown_role_returns_400(string role)
    {
        var tenant = await api.SignupAsync("patch-role");
        var member = await CreateMemberAsync(tenant);
        using var client = tenant.Client();

        await Problems.AssertProblem(await PatchRoleAsync(client, member["id"]!.GetValue<string>(), role), 400, "role");

        Assert.Equal("user", RoleIn(await ListAsync(client), member["id"]!.GetValue<string>()));
    }

    [Fact]
    public async Task Updating_a_member_without_a_role_returns_400()
    {
        var tenant = await api.SignupAsync("patch-empty");
        var member = await CreateMemberAsync(tenant);
        using var client = tenant.Client();

        await Problems.AssertProblem(await client.PatchAsync($"members/{member["id"]!.GetValue<string>()}", ApiFixture.Json(new { })), 400, "role");
    }

    [Theory]
    [InlineData("xyz")]
    [InlineData("0123456789abcdef0123456")]
    [InlineData("0123456789abcdef0123456g")]
    [InlineData("0123456789abcdef012345678")]
    public async Task Malformed_member_id_returns_400(string id)
    {
        var tenant = await api.SignupAsync("bad-id");
        using var client = tenant.Client();

        await Problems.AssertProblem(await PatchRoleAsync(client, id, "user"), 400, "id");
        await Problems.AssertProblem(await client.DeleteAsync($"members/{id}"), 400, "id");
    }

    [Fact]
    public async Task Unknown_member_id_returns_404()
    {
        var tenant = await api.SignupAsync("unknown-id");
        using var client = tenant.Client();
        var id = ObjectId.GenerateNewId().ToString();

        await Problems.AssertNotFound(await PatchRoleAsync(client, id, "admin"));
        await Problems.AssertNotFound(await client.DeleteAsync($"members/{id}"));
    }

    [Fact]
    public async Task Another_organizations_member_id_returns_404_and_leaves_that_member_alone()
    {
        var tenant = await api.SignupAsync("mine");
        var other = await api.SignupAsync("theirs");
        var theirMember = await CreateMemberAsync(other);
        var theirMemberId = theirMember["id"]!.GetValue<string>();
        using var client = tenant.Client();

        await Problems.AssertNotFound(await PatchRoleAsync(client, theirMemberId, "admin"));
        await Problems.AssertNotFound(await PatchRoleAsync(client, other.UserId, "user"));
        await Problems.AssertNotFound(await client.DeleteAsync($"members/{theirMemberId}"));
        await Problems.AssertNotFound(await client.DeleteAsync($"members/{other.UserId}"));

        using var otherClient = other.Client();
        var items = await ListAsync(otherClient);
        Assert.Equal("user", RoleIn(items, theirMemberId));
        Assert.Equal("admin", RoleIn(items, other.UserId));
        await AssertAdminCountMatchesAsync(other);
        await AssertAdminCountMatchesAsync(tenant);
    }

    [Fact]
    public async Task Deleted_member_can_no_longer_refresh_log_in_or_read_me()
    {
        var tenant = await api.SignupAsync("delete");
        var member = await CreateMemberAsync(tenant);
        var memberId = member["id"]!.GetValue<string>();
        var (memberClient, refreshToken) = await SignInAsync(member);
        using var admin = tenant.Client();

        var response = await admin.DeleteAsync($"members/{memberId}");
        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);

        await Problems.AssertProblem(await api.RefreshAsync(refreshToken), 401);
        await Problems.AssertProblem(await api.LoginAsync(member["email"]!.GetValue<string>(), MemberPassword, AuthRequests.UniqueIp()), 401);
        using (memberClient)
        {
            await Problems.AssertProblem(await memberClient.GetAsync("auth/me"), 401);
        }
        Assert.DoesNotContain(await ListAsync(admin), m => m!["id"]!.GetValue<string>() == memberId);
        await Problems.AssertNotFound(await admin.DeleteAsync($"members/{memberId}"));
    }
}
