using System.Net;
using Microsoft.Extensions.DependencyInjection;
using VoiceAgents.Core.Data;
using VoiceAgents.Core.Domain;
using VoiceAgents.Core.Net;
using VoiceAgents.Functions.Webhooks;
using VoiceAgents.Tests.Infrastructure;

namespace VoiceAgents.Tests.Webhooks;

/// <summary>The SSRF guard with the production rules (no <c>Webhooks:AllowPrivateTargets</c>).</summary>
[Collection(StrictWebhooksCollection.Name)]
public sealed class WebhookSsrfTests(ApiFixture api)
{
    [Theory]
    [InlineData("http://93.184.215.14/hook")]
    [InlineData("https://127.0.0.1/hook")]
    [InlineData("https://127.1.2.3:8443/hook")]
    [InlineData("https://10.1.2.3/hook")]
    [InlineData("https://172.20.0.1/hook")]
    [InlineData("https://192.168.1.10/hook")]
    [InlineData("https://169.254.169.254/latest/meta-data/")]
    [InlineData("https://100.64.0.1/hook")]
    [InlineData("https://0.0.0.0/hook")]
    [InlineData("https://[::1]/hook")]
    [InlineData("https://[fd00::1]/hook")]
    [InlineData("https://[fe80::1]/hook")]
    [InlineData("https://[::ffff:127.0.0.1]/hook")]
    [InlineData("https://localhost/hook")]
    [InlineData("https://[::127.0.0.1]/hook")]
    [InlineData("https://[64:ff9b:1::a00:1]/hook")]
    [InlineData("https://[64:ff9b::7f00:1]/hook")]
    [InlineData("https://[2002:7f00:1::1]/hook")]
    [InlineData("https://[2002:a9fe:a9fe::]/latest/meta-data/")]
    [InlineData("https://[::ffff:0:7f00:1]/hook")]
    [InlineData("https://168.63.129.16/machine?comp=goalstate")]
    [InlineData("https://192.0.2.10/hook")]
    [InlineData("https://198.51.100.10/hook")]
    [InlineData("https://203.0.113.10/hook")]
    [InlineData("https://[2001:db8::10]/hook")]
    [InlineData("https://[3fff::10]/hook")]
    public async Task Url_that_is_not_https_or_reaches_an_internal_address_is_refused(string url)
    {
        var tenant = await api.SignupAsync("ssrf");
        using var client = tenant.Client();

        var problem = await Problems.AssertProblem(await client.PostAsync("webhooks", ApiFixture.Json(new { url, events = new[] { "call.completed" } })), 400, "url");

        Assert.Contains(url.StartsWith("http:", StringComparison.Ordinal) ? "https" : "address", problem["errors"]!["url"]![0]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Empty((await TenantSession.Read(await client.GetAsync("webhooks"), 200))["items"]!.AsArray());
    }

    [Fact]
    public async Task Public_https_url_is_accepted_and_cannot_be_changed_to_an_internal_one()
    {
        var tenant = await api.SignupAsync("ssrf-public");
        using var client = tenant.Client();
        var created = await TenantSession.Read(await client.PostAsync("webhooks", ApiFixture.Json(new { url = "https://93.184.215.14/hook", events = new[] { "call.completed" } })), 201);
        var id = created["id"]!.GetValue<string>();

        await Problems.AssertProblem(await client.PutAsync($"webhooks/{id}", ApiFixture.Json(new { url = "https://169.254.169.254/", events = new[] { "call.completed" } })), 400, "url");

        Assert.Equal("https://93.184.215.14/hook", (await TenantSession.Read(await client.GetAsync($"webhooks/{id}"), 200))["url"]!.GetValue<string>());
    }

    [Fact]
    public async Task Delivery_to_a_host_that_resolves_to_loopback_is_refused_when_connecting()
    {
        // A webhook whose host resolved to a public address when it was saved and to loopback now (DNS rebinding),
        // stood in for by a stored webhook on localhost: the guard vets the address it is about to connect to.
        var tenant = await api.SignupAsync("ssrf-rebind");
        await using var receiver = await Receiver.StartAsync();
        var port = new Uri(receiver.Url).Port;
        var webhook = new Webhook
        {
            Id = Ids.New(), TenantId = tenant.TenantId, Url = $"https://localhost:{port}/hooks/voiceagents", Events = ["call.completed"],
            Secret = WebhookSignature.NewSecret(), CreatedAt = DateTime.UtcNow, UpdatedAt = DateTime.UtcNow,
        };
        await api.Services.GetRequiredService<MongoContext>().Webhooks.InsertOneAsync(webhook);
        using var client = tenant.Client();

        var result = await TenantSession.Read(await client.PostAsync($"webhooks/{webhook.Id}/test", null), 200);

        Assert.Equal("failed", result["status"]!.GetValue<string>());
        Assert.Contains("refused", result["error"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.False(result.AsObject().ContainsKey("status_code"));
        Assert.Empty(receiver.Requests);
    }

    [Theory]
    [InlineData("8.8.8.8", false)]
    [InlineData("93.184.215.14", false)]
    [InlineData("172.32.0.1", false)]
    [InlineData("100.128.0.1", false)]
    [InlineData("2606:4700:4700::1111", false)]
    [InlineData("172.31.255.255", true)]
    [InlineData("100.127.255.255", true)]
    [InlineData("169.254.169.254", true)]
    [InlineData("255.255.255.255", true)]
    [InlineData("224.0.0.1", true)]
    [InlineData("::", true)]
    [InlineData("fc00::1", true)]
    [InlineData("febf::1", true)]
    [InlineData("::ffff:10.0.0.1", true)]
    [InlineData("64:ff9b::a9fe:a9fe", true)]
    public void Address_classification_follows_the_private_and_reserved_ranges(string address, bool forbidden) =>
        Assert.Equal(forbidden, SpecialPurposeAddresses.IsForbidden(IPAddress.Parse(address)));

    [Theory]
    [InlineData("::127.0.0.1", true)]            // IPv4-compatible (deprecated)
    [InlineData("::8.8.8.8", true)]
    [InlineData("::ffff:0:a00:1", true)]         // IPv4-translated, ::ffff:0:0:0/96
    [InlineData("64:ff9b:1::808:808", true)]     // NAT64 local use, 64:ff9b:1::/48
    [InlineData("64:ff9b::808:808", false)]      // NAT64 well-known prefix: the embedded 8.8.8.8
    [InlineData("64:ff9b::a00:1", true)]         // ... and the embedded 10.0.0.1
    [InlineData("2002:808:808::1", false)]       // 6to4: the embedded 8.8.8.8
    [InlineData("2002:7f00:1::1", true)]         // ... and the embedded 127.0.0.1
    [InlineData("2002:c0a8:101::", true)]        // ... and 192.168.1.1
    [InlineData("::ffff:8.8.8.8", false)]        // IPv4-mapped: the address itself
    [InlineData("168.63.129.16", true)]          // Azure's platform address
    [InlineData("168.63.129.17", false)]
    [InlineData("192.0.2.1", true)]              // documentation
    [InlineData("198.51.100.255", true)]
    [InlineData("203.0.113.1", true)]
    [InlineData("2001:db8:ffff::1", true)]
    [InlineData("3fff:fff::1", true)]
    [InlineData("4000::1", true)]                // outside global unicast
    [InlineData("192.88.99.1", true)]            // the deprecated 6to4 relay anycast
    [InlineData("192.0.0.9", true)]
    [InlineData("2001::1", true)]                // Teredo
    [InlineData("2001:2::1", true)]              // benchmarking
    [InlineData("100::1", true)]                 // discard-only
    [InlineData("5f00::1", true)]                // segment routing
    [InlineData("fe80::1%2", true)]              // link-local with a scope
    [InlineData("2a00:1450:4001::200e", false)]
    [InlineData("1.1.1.1", false)]
    public void Address_classification_follows_the_special_purpose_registries(string address, bool forbidden) =>
        Assert.Equal(forbidden, SpecialPurposeAddresses.IsForbidden(IPAddress.Parse(address)));
}
