using System.Net.Sockets;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using MongoDB.Driver;
using VoiceAgents.Core.Data;
using VoiceAgents.Core.Domain;
using VoiceAgents.Tests.Infrastructure;

namespace VoiceAgents.Tests.Voice;

/// <summary>Each bad input closes the socket with its code and a reason, and leaves voice-host healthy.</summary>
[Collection(VoiceCollection.Name)]
public sealed class ProtocolTests(VoiceFixture voice)
{
    private async Task<(TenantSession Tenant, string AgentId)> AgentAsync()
    {
        var tenant = await voice.Api.SignupAsync("proto");
        var agent = await tenant.CreateAgentAsync();
        return (tenant, agent["id"]!.GetValue<string>());
    }

    private async Task AssertClosedAsync(VoiceClient client, int code, string reasonPart)
    {
        await client.Closed.Task.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal(code, (int)client.CloseStatus!);
        Assert.Contains(reasonPart, client.CloseReason ?? "", StringComparison.OrdinalIgnoreCase);
        await AssertHealthyAsync();
    }

    private async Task AssertHealthyAsync()
    {
        using var http = new HttpClient();
        var response = await http.GetAsync(voice.HealthUri);
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, body);
        Assert.Equal("healthy", JsonNode.Parse(body)!["status"]!.GetValue<string>());
    }

    [Fact]
    public async Task Invalid_token_closes_with_4401()
    {
        var (_, agentId) = await AgentAsync();
        await using var client = await VoiceClient.ConnectAsync(voice.WebSocketUri);
        await client.SendJsonAsync(new { type = "auth", token = "not.a.jwt", agent_id = agentId });
        await AssertClosedAsync(client, 4401, "token");
    }

    [Fact]
    public async Task Token_signed_with_another_key_closes_with_4401()
    {
        var (tenant, agentId) = await AgentAsync();
        var parts = tenant.AccessToken.Split('.');
        var forged = parts[0] + "." + parts[1] + "." + Convert.ToBase64String(new byte[32]).TrimEnd('=').Replace('+', '-').Replace('/', '_');
        await using var client = await VoiceClient.ConnectAsync(voice.WebSocketUri);
        await client.SendJsonAsync(new { type = "auth", token = forged, agent_id = agentId });
        await AssertClosedAsync(client, 4401, "token");
    }

    [Fact]
    public async Task Another_tenants_agent_closes_with_4403()
    {
        var (_, agentOfA) = await AgentAsync();
        var tenantB = await voice.Api.SignupAsync("proto-b");
        await using var client = await VoiceClient.ConnectAsync(voice.WebSocketUri);
        await client.SendJsonAsync(new { type = "auth", token = tenantB.AccessToken, agent_id = agentOfA });
        await AssertClosedAsync(client, 4403, "agent");
    }

    [Fact]
    public async Task Audio_before_auth_closes_with_4401()
    {
        await using var client = await VoiceClient.ConnectAsync(voice.WebSocketUri);
        await client.SendBinaryAsync(new byte[640]);
        await AssertClosedAsync(client, 4401, "audio before auth");
    }

    [Fact]
    public async Task Json_audio_before_auth_closes_with_4401()
    {
        await using var client = await VoiceClient.ConnectAsync(voice.WebSocketUri);
        await client.SendJsonAsync(new { type = "audio", data = Convert.ToBase64String(new byte[640]) });
        await AssertClosedAsync(client, 4401, "audio before auth");
    }

    [Fact]
    public async Task No_auth_within_five_seconds_closes_with_4401()
    {
        await using var client = await VoiceClient.ConnectAsync(voice.WebSocketUri);
        var started = DateTime.UtcNow;
        await AssertClosedAsync(client, 4401, "no auth");
        Assert.InRange((DateTime.UtcNow - started).TotalSeconds, 4, 12);
    }

    [Fact]
    public async Task Garbage_text_after_auth_closes_with_4400()
    {
        var (tenant, agentId) = await AgentAsync();
        await using var client = await VoiceClient.ConnectAsync(voice.WebSocketUri);
        await client.AuthenticateAsync(tenant.AccessToken, agentId);
        await client.SendTextAsync("{{{ not json");
        await AssertClosedAsync(client, 4400, "malformed");
        Assert.Contains(client.Events, e => VoiceClient.Type(e.Event) == "error");
    }

    [Fact]
    public async Task Odd_length_audio_closes_with_4400()
    {
        var (tenant, agentId) = await AgentAsync();
        await using var client = await VoiceClient.ConnectAsync(voice.WebSocketUri);
        await client.AuthenticateAsync(tenant.AccessToken, agentId);
        await client.SendBinaryAsync(new byte[641]);
        await AssertClosedAsync(client, 4400, "PCM16");
    }

    [Fact]
    public async Task Oversize_frame_closes_with_1009()
    {
        var (tenant, agentId) = await AgentAsync();
        await using var client = await VoiceClient.ConnectAsync(voice.WebSocketUri);
        await client.AuthenticateAsync(tenant.AccessToken, agentId);
        await client.SendBinaryAsync(new byte[64 * 1024 + 2]);
        await AssertClosedAsync(client, 1009, "exceed");
    }

    [Fact]
    public async Task Oversize_auth_message_closes_with_1009()
    {
        await using var client = await VoiceClient.ConnectAsync(voice.WebSocketUri);
        await client.SendTextAsync("{\"type\":\"auth\",\"token\":\"" + new string('a', 70_000) + "\"}");
        await AssertClosedAsync(client, 1009, "exceed");
    }

    [Fact]
    public async Task Sample_rate_out_of_range_closes_with_4400()
    {
        var (tenant, agentId) = await AgentAsync();
        await using var client = await VoiceClient.ConnectAsync(voice.WebSocketUri);
        await client.SendJsonAsync(new { type = "auth", token = tenant.AccessToken, agent_id = agentId, sample_rate = 96000 });
        await AssertClosedAsync(client, 4400, "sample_rate");
    }

    [Theory]
    [InlineData("\"16000\"")]
    [InlineData("16000.5")]
    [InlineData("true")]
    public async Task A_sample_rate_of_the_wrong_type_closes_with_4400(string sampleRate)
    {
        var (tenant, agentId) = await AgentAsync();
        await using var client = await VoiceClient.ConnectAsync(voice.WebSocketUri);
        await client.SendTextAsync($$"""{"type":"auth","token":"{{tenant.AccessToken}}","agent_id":"{{agentId}}","sample_rate":{{sampleRate}}}""");
        await AssertClosedAsync(client, 4400, "sample_rate must be a whole number");
    }

    [Theory]
    [InlineData("4155550100")]
    [InlineData("+1 (415) 555-0100 ext. 7")]
    [InlineData("+0123456789")]
    public async Task A_phone_number_that_is_not_E164_closes_with_4400(string phoneNumber)
    {
        var (tenant, agentId) = await AgentAsync();
        await using var client = await VoiceClient.ConnectAsync(voice.WebSocketUri);
        await client.SendJsonAsync(new { type = "auth", token = tenant.AccessToken, agent_id = agentId, phone_number = phoneNumber });
        await AssertClosedAsync(client, 4400, "E.164");
    }

    [Fact]
    public async Task A_campaign_id_that_is_not_an_id_closes_with_4400()
    {
        var (tenant, agentId) = await AgentAsync();
        await using var client = await VoiceClient.ConnectAsync(voice.WebSocketUri);
        await client.SendJsonAsync(new { type = "auth", token = tenant.AccessToken, agent_id = agentId, campaign_id = "../../other-tenant" });
        await AssertClosedAsync(client, 4400, "campaign_id");
    }

    [Fact]
    public async Task Another_tenants_campaign_closes_with_4403_and_starts_no_call()
    {
        var (owner, ownerAgent) = await AgentAsync();
        var theirs = (await owner.CreateCampaignAsync(ownerAgent))["id"]!.GetValue<string>();
        var (tenant, agentId) = await AgentAsync();
        await using var client = await VoiceClient.ConnectAsync(voice.WebSocketUri);
        await client.SendJsonAsync(new { type = "auth", token = tenant.AccessToken, agent_id = agentId, campaign_id = theirs, phone_number = "+14155550100" });
        await AssertClosedAsync(client, 4403, "campaign not found");
        Assert.DoesNotContain(client.Events, e => VoiceClient.Type(e.Event) == "ready");
    }

    [Fact]
    public async Task A_campaign_of_the_tenant_that_uses_another_agent_closes_with_4403()
    {
        var (tenant, agentId) = await AgentAsync();
        var otherAgent = (await tenant.CreateAgentAsync("Other"))["id"]!.GetValue<string>();
        var campaign = (await tenant.CreateCampaignAsync(otherAgent))["id"]!.GetValue<string>();
        await using var client = await VoiceClient.ConnectAsync(voice.WebSocketUri);
        await client.SendJsonAsync(new { type = "auth", token = tenant.AccessToken, agent_id = agentId, campaign_id = campaign });
        await AssertClosedAsync(client, 4403, "does not use this agent");
    }

    [Fact]
    public async Task The_tenants_own_campaign_with_its_agent_and_an_E164_number_is_accepted()
    {
        var (tenant, agentId) = await AgentAsync();
        var campaign = (await tenant.CreateCampaignAsync(agentId))["id"]!.GetValue<string>();
        await using var client = await VoiceClient.ConnectAsync(voice.WebSocketUri);
        await client.SendJsonAsync(new { type = "auth", token = tenant.AccessToken, agent_id = agentId, campaign_id = campaign.ToUpperInvariant(), phone_number = "+442071838750" });
        await client.WaitForAsync("ready", TimeSpan.FromSeconds(10));
    }

    [Fact]
    public async Task Variables_over_the_limits_or_not_strings_close_with_4400()
    {
        var (tenant, agentId) = await AgentAsync();
        var cases = new (object Variables, string Reason)[]
        {
            (Enumerable.Range(0, 51).ToDictionary(i => $"k{i}", i => "v"), "at most 50 variables"),
            (new Dictionary<string, string> { ["name"] = new string('x', 1025) }, "longer than 1024 bytes"),
            (new Dictionary<string, object> { ["age"] = 42 }, "variables.age must be a string"),
            ("Asha", "variables must be an object"),
        };
        foreach (var (variables, reason) in cases)
        {
            await using var client = await VoiceClient.ConnectAsync(voice.WebSocketUri);
            await client.SendJsonAsync(new { type = "auth", token = tenant.AccessToken, agent_id = agentId, variables });
            await AssertClosedAsync(client, 4400, reason);
            Assert.DoesNotContain(client.Events, e => VoiceClient.Type(e.Event) == "ready");
        }
    }

    [Fact]
    public async Task The_first_message_renders_over_the_campaign_contacts_variables_and_the_auth_messages_which_win()
    {
        var tenant = await voice.Api.SignupAsync("proto");
        using var http = tenant.Client();
        var agentId = (await TenantSession.Read(await http.PostAsync("agents", ApiFixture.Json(new
        {
            name = "Greeter",
            first_message = "Hello {{ name }} from {{ city }}, calling {{ caller.phone_number }}.",
            llm = new { provider = "rules" },
            stt = new { provider = "local" },
            tts = new { provider = "local", voice = "slt" },
        })), 201))["id"]!.GetValue<string>();
        var campaign = (await tenant.CreateCampaignAsync(agentId, "+442071838750"))["id"]!.GetValue<string>();
        var db = voice.Api.Services.GetRequiredService<MongoContext>();
        await db.Campaigns.UpdateOneAsync(c => c.Id == campaign, Builders<Campaign>.Update.Set(c => c.Contacts,
        [
            new CampaignContact { PhoneNumber = "+14155550100", Variables = new() { ["name"] = "Someone else" } },
            new CampaignContact { PhoneNumber = "+442071838750", Variables = new() { ["name"] = "Asha", ["city"] = "Pune" } },
        ]));

        await using var client = await VoiceClient.ConnectAsync(voice.WebSocketUri);
        await client.SendJsonAsync(new
        {
            type = "auth", token = tenant.AccessToken, agent_id = agentId, campaign_id = campaign, phone_number = "+442071838750",
            variables = new Dictionary<string, string> { ["city"] = "London" },
        });
        var greeting = await client.WaitForAsync("transcript", TimeSpan.FromSeconds(10), e => e["role"]!.GetValue<string>() == "assistant");

        Assert.Equal("Hello Asha from London, calling +442071838750.", greeting["text"]!.GetValue<string>());
    }

    /// <summary>A slowloris client opens the upgrade and trickles an auth message it never finishes.</summary>
    [Fact]
    public async Task Slowloris_client_is_cut_off_at_the_auth_deadline()
    {
        using var tcp = new TcpClient();
        await tcp.ConnectAsync(voice.WebSocketUri.Host, voice.WebSocketUri.Port);
        var stream = tcp.GetStream();
        var key = Convert.ToBase64String(Guid.NewGuid().ToByteArray());
        var upgrade = $"GET /ws HTTP/1.1\r\nHost: {voice.WebSocketUri.Authority}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\n\r\n";
        await stream.WriteAsync(Encoding.ASCII.GetBytes(upgrade));
        var buffer = new byte[4096];
        var n = await stream.ReadAsync(buffer);
        Assert.Contains("101", Encoding.ASCII.GetString(buffer, 0, n), StringComparison.Ordinal);

        // A masked text frame header announcing 1,000 bytes, then one byte a second.
        await stream.WriteAsync(new byte[] { 0x81, 0xFE, 0x03, 0xE8, 1, 2, 3, 4 });
        var started = DateTime.UtcNow;
        var closed = false;
        while (DateTime.UtcNow - started < TimeSpan.FromSeconds(15) && !closed)
        {
            try
            {
                await stream.WriteAsync(new byte[] { (byte)'{' ^ 1 });
                await Task.Delay(1000);
                if (tcp.Client.Poll(0, SelectMode.SelectRead))
                {
                    n = await stream.ReadAsync(buffer);
                    closed = n == 0 || (buffer[0] & 0x0F) == 0x8;
                    if (closed && n >= 4) Assert.Equal(4401, (buffer[2] << 8) | buffer[3]);
                }
            }
            catch (IOException)
            {
                closed = true;
            }
        }
        Assert.True(closed, "the server kept a trickling client open past the auth deadline");
        Assert.InRange((DateTime.UtcNow - started).TotalSeconds, 3, 12);
        await AssertHealthyAsync();
    }

    [Fact]
    public async Task Plain_http_request_to_ws_gets_426()
    {
        using var http = new HttpClient();
        var response = await http.GetAsync(new Uri($"http://{voice.WebSocketUri.Authority}/ws"));
        Assert.Equal(426, (int)response.StatusCode);
    }
}
