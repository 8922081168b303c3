using System.Net;
using System.Text.Json.Nodes;
using VoiceAgents.Tests.Infrastructure;

namespace VoiceAgents.Tests.Api;

[Collection(ApiCollection.Name)]
public sealed class AuthTests(ApiFixture api)
{
    [Fact]
    public async Task Signup_creates_an_admin_who_can_log_in_and_read_me()
    {
        var tenant = await api.SignupAsync("auth");
        using var anon = api.Client();
        var login = await TenantSession.Read(await anon.PostAsync("auth/login", ApiFixture.Json(new { email = tenant.Email, password = tenant.Password })), 200);
        Assert.Equal("Bearer", login["token_type"]!.GetValue<string>());
        Assert.Equal(900, login["expires_in"]!.GetValue<int>());
        Assert.False(string.IsNullOrEmpty(login["refresh_token"]!.GetValue<string>()));

        using var client = api.Client(login["access_token"]!.GetValue<string>());
        var me = await TenantSession.Read(await client.GetAsync("auth/me"), 200);
        Assert.Equal(tenant.Email, me["email"]!.GetValue<string>());
        Assert.Equal("admin", me["role"]!.GetValue<string>());
        Assert.Equal(tenant.TenantId, me["tenant_id"]!.GetValue<string>());
    }
}
