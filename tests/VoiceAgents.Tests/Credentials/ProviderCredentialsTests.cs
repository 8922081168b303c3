using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using MongoDB.Driver;
using VoiceAgents.Core.Credentials;
using VoiceAgents.Core.Data;
using VoiceAgents.Core.Domain;
using VoiceAgents.Tests.Infrastructure;

namespace VoiceAgents.Tests.Credentials;

/// <summary><c>/api/provider-credentials</c>: admins store tenants' own vendor keys, which are sealed and never shown again.</summary>
public sealed class ProviderCredentialsTests(ProviderCredentialsFixture fixture) : IClassFixture<ProviderCredentialsFixture>
{
    private ApiFixture Api => fixture.Api;
    private MongoContext Db => Api.Services.GetRequiredService<MongoContext>();

    private static Task<HttpResponseMessage> PutAsync(HttpClient client, string provider, object body) =>
        client.PutAsync($"provider-credentials/{provider}", ApiFixture.Json(body));

    [Fact]
    public async Task A_stored_key_is_answered_with_its_last_four_characters_only_and_is_sealed_at_rest()
    {
        var tenant = await Api.SignupAsync("byok");
        using var client = tenant.Client();

        var response = await PutAsync(client, "deepgram", new { api_key = "dg-secret-tenant-key-7781" });
        var raw = await response.Content.ReadAsStringAsync();
        var stored = await TenantSession.Read(response, 200);

        Assert.DoesNotContain("dg-secret", raw, StringComparison.Ordinal);
        Assert.Equal("deepgram", stored["provider"]!.GetValue<string>());
        Assert.Equal("7781", stored["last4"]!.GetValue<string>());
        Assert.False(stored["verified"]!.GetValue<bool>());
        Assert.NotNull(stored["created_at"]);
        Assert.NotNull(stored["updated_at"]);
        var listed = await client.GetStringAsync("provider-credentials");
        Assert.DoesNotContain("dg-secret", listed, StringComparison.Ordinal);
        Assert.Equal("7781", JsonNode.Parse(listed)!["items"]![0]!["last4"]!.GetValue<string>());

        var document = await Db.Database.GetCollection<MongoDB.Bson.BsonDocument>("provider_credentials")
            .Find(MongoDB.Bson.BsonDocument.Parse($"{{ tenant_id: '{tenant.TenantId}' }}")).SingleAsync();
        Assert.DoesNotContain("dg-secret", MongoDB.Bson.BsonExtensionMethods.ToJson(document), StringComparison.Ordinal);
        Assert.Equal(ProviderCredentialsFixture.NewKeyId, document["key"]["key_id"].AsString);
    }

    [Fact]
    public async Task A_replaced_key_keeps_its_created_time_and_a_deleted_one_is_gone()
    {
        var tenant = await Api.SignupAsync("byok");
        using var client = tenant.Client();
        var first = await TenantSession.Read(await PutAsync(client, "cartesia", new { api_key = "cartesia-first-1111" }), 200);
        var second = await TenantSession.Read(await PutAsync(client, "cartesia", new { api_key = "cartesia-second-2222" }), 200);

        Assert.Equal("2222", second["last4"]!.GetValue<string>());
        Assert.Equal(first["created_at"]!.GetValue<DateTime>(), second["created_at"]!.GetValue<DateTime>());
        Assert.True(second["updated_at"]!.GetValue<DateTime>() >= first["updated_at"]!.GetValue<DateTime>());
        Assert.Single((await TenantSession.Read(await client.GetAsync("provider-credentials"), 200))["items"]!.AsArray());

        Assert.Equal(204, (int)(await client.DeleteAsync("provider-credentials/cartesia")).StatusCode);
        Assert.Empty((await TenantSession.Read(await client.GetAsync("provider-credentials"), 200))["items"]!.AsArray());
        await Problems.AssertNotFound(await client.DeleteAsync("provider-credentials/cartesia"));
    }

    [Fact]
    public async Task An_openai_key_is_verified_with_the_vendor_using_that_key()
    {
        var tenant = await Api.SignupAsync("byok");
        using var client = tenant.Client();

        var good = await TenantSession.Read(await PutAsync(client, "openai", new { api_key = ProviderCredentialsFixture.GoodKey }), 200);
        Assert.True(good["verified"]!.GetValue<bool>());
        Assert.Contains(fixture.OpenAi.Requests, r => r.Path == "/v1/models" && r.Headers["Authorization"] == $"Bearer {ProviderCredentialsFixture.GoodKey}");

        var bad = await TenantSession.Read(await PutAsync(client, "openai", new { api_key = "sk-revoked-key-0000" }), 200);
        Assert.False(bad["verified"]!.GetValue<bool>());
        Assert.Equal("0000", bad["last4"]!.GetValue<string>());
    }

    [Fact]
    public async Task An_openai_compatible_key_needs_its_server_and_a_twilio_token_its_account_sid()
    {
        var tenant = await Api.SignupAsync("byok");
        using var client = tenant.Client();

        await Problems.AssertProblem(await PutAsync(client, "openai_compatible", new { api_key = "local-server-key" }), 400, "base_url");
        await Problems.AssertProblem(await PutAsync(client, "twilio", new { api_key = "twilio-auth-token-1234" }), 400, "account_sid");
        await Problems.AssertProblem(await PutAsync(client, "twilio", new { api_key = "twilio-auth-token-1234", account_sid = "not-a-sid" }), 400, "account_sid");
        await Problems.AssertProblem(await PutAsync(client, "openai", new { api_key = "sk-some-key-1234", base_url = "https://example.com/v1" }), 400, "base_url");

        var server = $"{fixture.OpenAi.BaseUrl.ToString().TrimEnd('/')}/v1";
        var compatible = await TenantSession.Read(await PutAsync(client, "openai-compatible", new { api_key = ProviderCredentialsFixture.GoodKey, base_url = server }), 200);
        Assert.Equal("openai_compatible", compatible["provider"]!.GetValue<string>());
        Assert.Equal(server, compatible["base_url"]!.GetValue<string>());
        Assert.True(compatible["verified"]!.GetValue<bool>());
        var twilio = await TenantSession.Read(await PutAsync(client, "twilio", new { api_key = "twilio-auth-token-1234", account_sid = "AC0123456789abcdef0123456789abcdef" }), 200);
        Assert.Equal("AC0123456789abcdef0123456789abcdef", twilio["account_sid"]!.GetValue<string>());
    }

    [Fact]
    public async Task An_unknown_provider_a_missing_key_and_a_non_admin_are_refused()
    {
        var admin = await Api.SignupAsync("byok");
        using var client = admin.Client();
        await Problems.AssertProblem(await PutAsync(client, "acme", new { api_key = "acme-key-12345" }), 400, "provider");
        await Problems.AssertProblem(await PutAsync(client, "local", new { api_key = "local-key-12345" }), 400, "provider");
        await Problems.AssertProblem(await PutAsync(client, "openai", new { }), 400, "api_key");

        var email = $"user-{Guid.NewGuid():N}@example.com";
        await TenantSession.Read(await client.PostAsync("members", ApiFixture.Json(new { email, name = "Ursula", role = "user", password = "member-orchid-lantern-73" })), 201);
        var user = (await Api.LoginOkAsync(email, "member-orchid-lantern-73"))["access_token"]!.GetValue<string>();
        using var userClient = Api.Client(user);
        await Problems.AssertProblem(await PutAsync(userClient, "openai", new { api_key = "sk-user-key-12345" }), 403);
        await Problems.AssertProblem(await userClient.GetAsync("provider-credentials"), 403);
    }

    [Fact]
    public async Task One_tenant_never_sees_or_deletes_another_tenants_key()
    {
        var a = await Api.SignupAsync("byok-a");
        var b = await Api.SignupAsync("byok-b");
        using var clientA = a.Client();
        using var clientB = b.Client();
        await TenantSession.Read(await PutAsync(clientA, "anthropic", new { api_key = "sk-ant-tenant-a-9999" }), 200);

        Assert.Empty((await TenantSession.Read(await clientB.GetAsync("provider-credentials"), 200))["items"]!.AsArray());
        await Problems.AssertNotFound(await clientB.DeleteAsync("provider-credentials/anthropic"));
        Assert.Single((await TenantSession.Read(await clientA.GetAsync("provider-credentials"), 200))["items"]!.AsArray());
    }

    [Fact]
    public async Task Providers_says_per_vendor_whether_the_tenants_calls_have_a_key_to_use()
    {
        var tenant = await Api.SignupAsync("byok");
        using var client = tenant.Client();

        var before = Keys(await TenantSession.Read(await client.GetAsync("providers"), 200));
        Assert.Equal(CredentialProviders.All, before.Keys);
        Assert.Equal((false, true, true), before["openai"]);
        Assert.Equal((false, false, false), before["anthropic"]);

        await TenantSession.Read(await PutAsync(client, "anthropic", new { api_key = "sk-ant-tenant-key-5555" }), 200);
        var after = Keys(await TenantSession.Read(await client.GetAsync("providers"), 200));
        Assert.Equal((true, false, true), after["anthropic"]);
    }

    private static Dictionary<string, (bool TenantKey, bool PlatformKeyAllowed, bool Usable)> Keys(JsonNode providers) =>
        providers["keys"]!.AsArray().ToDictionary(
            k => k!["provider"]!.GetValue<string>(),
            k => (k!["tenant_key"]!.GetValue<bool>(), k["platform_key_allowed"]!.GetValue<bool>(), k["usable"]!.GetValue<bool>()));

    [Fact]
    public async Task Rotation_reseals_every_key_under_the_active_master_key_so_the_old_one_can_be_removed()
    {
        var tenant = await Api.SignupAsync("byok-rotate");
        // Stored before the rotation began: sealed under the old master key, which is still configured beside the new one.
        var old = CredentialCipherTests.Cipher(ApiFixture.MasterKeyId, (ApiFixture.MasterKeyId, ApiFixture.MasterKey));
        var now = DateTime.UtcNow;
        await Db.ProviderCredentials.InsertOneAsync(new ProviderCredential
        {
            Id = Ids.New(),
            TenantId = tenant.TenantId,
            Provider = "google",
            Key = old.Seal(tenant.TenantId, "google", "AIza-old-sealed-key-3141"),
            Last4 = "3141",
            CreatedAt = now,
            UpdatedAt = now,
        });

        using var operatorClient = Api.OperatorClient();
        var result = await TenantSession.Read(await operatorClient.PostAsync("operator/provider-credentials/rotate", null), 200);
        Assert.Equal(ProviderCredentialsFixture.NewKeyId, result["active_key_id"]!.GetValue<string>());
        Assert.True(result["rotated"]!.GetValue<int>() >= 1);
        Assert.Equal(0, result["remaining"]!.GetValue<long>());

        // The old master key removed from the settings: every key still opens.
        var onlyNew = CredentialCipherTests.Cipher(ProviderCredentialsFixture.NewKeyId, (ProviderCredentialsFixture.NewKeyId, ProviderCredentialsFixture.NewKey));
        var stored = await Db.ProviderCredentials.Find(c => c.TenantId == tenant.TenantId).SingleAsync();
        Assert.Equal(ProviderCredentialsFixture.NewKeyId, stored.Key.KeyId);
        Assert.Equal("AIza-old-sealed-key-3141", onlyNew.Open(tenant.TenantId, "google", stored.Key));
        Assert.Equal("3141", stored.Last4);
    }
}
