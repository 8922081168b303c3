using System.Text.Json;
using Microsoft.Extensions.Options;
using VoiceAgents.Core.Credentials;
using VoiceAgents.Core.Data;
using VoiceAgents.Core.Domain;
using VoiceAgents.Core.Telephony;
using VoiceAgents.Tests.Processors;
using VoiceAgents.VoiceHost.Calls;
using VoiceAgents.VoiceHost.Tools;
using VoiceAgents.VoiceHost.Tools.Transfer;

namespace VoiceAgents.Tests.Telephony;

/// <summary><c>transfer_call</c>: offered with destinations, a hand-off on a phone call, an error the agent can say in the browser.</summary>
public sealed class TransferCallToolTests
{
    private static readonly IOptions<TwilioOptions> Twilio = Options.Create(new TwilioOptions { AccountSid = TwilioLoopback.AccountSid, AuthToken = TwilioLoopback.AuthToken });

    /// <summary>
    /// Over the platform's account, which comes from settings: these calls' streams name it, so no tenant's stored
    /// account is read (the database client is never used). Tenants' own accounts: TenantTwilioAccountTests.
    /// </summary>
    private static readonly TransferCallSource Source = new(new TelephonyAccounts(
        new TenantProviderKeys(new MongoContext(Options.Create(new MongoOptions())), new CredentialCipher(Options.Create(new CredentialOptions()))),
        Twilio, Options.Create(new CredentialOptions())));

    private static Agent Agent(params TransferDestination[] destinations) => new()
    {
        Id = "a1", TenantId = "t", UserId = "u", Name = "A", SystemPrompt = "", TransferDestinations = [.. destinations],
    };

    private static readonly TransferDestination Sales = new() { Name = "sales", PhoneNumber = "+14155550111", Description = "New orders", Message = "Putting you through to sales." };
    private static readonly TransferDestination Billing = new() { Name = "billing", PhoneNumber = "+14155550122" };

    private static async Task<ICallTool> ToolAsync(VoiceAgents.VoiceHost.Processors.CallContext call) =>
        Assert.Single(await Source.ToolsForAsync(call, CancellationToken.None));

    [Fact]
    public async Task An_agent_without_destinations_is_not_offered_transfer_call()
    {
        var call = CallTemplateModelTests.Call(Agent(), new Dictionary<string, string>(), providerCallId: "CA1");

        Assert.Empty(await Source.ToolsForAsync(call, CancellationToken.None));
    }

    [Fact]
    public async Task On_a_phone_call_transfer_call_asks_for_the_hand_off_and_answers_the_destinations_line_and_ends_the_call()
    {
        var call = CallTemplateModelTests.Call(Agent(Sales, Billing), new Dictionary<string, string>(), "+14155550100", providerCallId: "CA1");
        var tool = await ToolAsync(call);
        var schema = tool.Definition.Parameters.GetProperty("properties").GetProperty("destination").GetProperty("enum");
        Assert.Equal(["sales", "billing"], schema.EnumerateArray().Select(e => e.GetString()));
        Assert.Contains("sales: New orders", tool.Definition.Description);

        var result = await tool.InvokeAsync(new ToolInvocation(call, "t1", """{"destination":"sales"}"""), CancellationToken.None);

        Assert.True(result.Ok && result.EndsCall);
        Assert.Equal("Putting you through to sales.", result.Result!.Value.GetProperty("message").GetString());
        Assert.Same(Sales, call.PendingTransfer);
        Assert.Equal("<Response><Dial>+14155550111</Dial></Response>", CallTransfers.DialTwiml(Sales));
    }

    [Fact]
    public async Task In_the_browser_or_to_an_unknown_destination_transfer_call_answers_an_error_and_asks_for_no_hand_off()
    {
        var browser = CallTemplateModelTests.Call(Agent(Sales), new Dictionary<string, string>());
        var phone = CallTemplateModelTests.Call(Agent(Sales), new Dictionary<string, string>(), providerCallId: "CA1");

        var inBrowser = await (await ToolAsync(browser)).InvokeAsync(new ToolInvocation(browser, "t1", """{"destination":"sales"}"""), CancellationToken.None);
        var unknown = await (await ToolAsync(phone)).InvokeAsync(new ToolInvocation(phone, "t1", """{"destination":"legal"}"""), CancellationToken.None);

        Assert.False(inBrowser.Ok || inBrowser.EndsCall);
        Assert.Contains("browser call", JsonDocument.Parse(inBrowser.ToJson()).RootElement.GetProperty("error").GetString());
        Assert.False(unknown.Ok);
        Assert.Contains("choose one of: sales", unknown.Error);
        Assert.Null(browser.PendingTransfer);
        Assert.Null(phone.PendingTransfer);
    }
}
