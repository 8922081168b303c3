using System.Net.Http.Headers;
using System.Text;
using VoiceAgents.Tests.Infrastructure;

namespace VoiceAgents.Tests.Telephony;

/// <summary>
/// Twilio's webhooks read at most 64 KiB of form before checking the signature, and a form that is not one Twilio
/// would send is a 400 or 403 problem, never a 500.
/// </summary>
[Collection(TelephonyCollection.Name)]
public sealed class TwilioWebhookBodyTests(TelephonyFixture f)
{
    private const int Limit = 64 * 1024;

    [Theory]
    [InlineData("twilio/voice")]
    [InlineData("twilio/status?call_id=0123456789abcdef01234567")]
    public async Task A_body_declared_over_64_KiB_is_refused_with_413_without_waiting_for_it(string route)
    {
        await using var http = await RawHttp.ConnectAsync(f.Api.BaseAddress);
        var (target, _) = f.Webhook(route);

        // 27 MB announced, 128 KiB sent, and then nothing: a server that reads the body first never answers.
        await http.WriteAsync($"POST {target.PathAndQuery} HTTP/1.1\r\nHost: {target.Authority}\r\n" +
            "Content-Type: application/x-www-form-urlencoded\r\nX-Twilio-Signature: AAAA\r\nContent-Length: 27000000\r\n\r\n");
        await http.WriteAsync(Encoding.ASCII.GetBytes("Digits=" + new string('1', 2 * Limit)));
        var response = await http.ReadResponseAsync(TimeSpan.FromSeconds(10));

        Assert.True(response.Status == 413, $"expected 413 but got {response.Status}: {response.Body}");
        Assert.Equal("application/problem+json", response.MediaType);
    }

    [Fact]
    public async Task A_chunked_body_is_read_no_further_than_64_KiB()
    {
        await using var http = await RawHttp.ConnectAsync(f.Api.BaseAddress);
        var (target, _) = f.Webhook("twilio/voice");

        await http.WriteAsync($"POST {target.PathAndQuery} HTTP/1.1\r\nHost: {target.Authority}\r\n" +
            "Content-Type: application/x-www-form-urlencoded\r\nX-Twilio-Signature: AAAA\r\nTransfer-Encoding: chunked\r\n\r\n");
        var chunk = Encoding.ASCII.GetBytes($"4000\r\n{new string('a', 0x4000)}\r\n");
        for (var sent = 0; sent < 2 * Limit; sent += 0x4000) await http.WriteAsync(chunk);
        var response = await http.ReadResponseAsync(TimeSpan.FromSeconds(10));

        Assert.True(response.Status == 413, $"expected 413 but got {response.Status}: {response.Body}");
        Assert.Equal("application/problem+json", response.MediaType);
    }

    [Fact]
    public async Task A_signed_form_just_under_64_KiB_is_still_read()
    {
        var (target, url) = f.Webhook("twilio/status?call_id=0123456789abcdef01234567");
        var form = new Dictionary<string, string>
        {
            ["AccountSid"] = TwilioLoopback.AccountSid, ["CallSid"] = "CA" + Guid.NewGuid().ToString("N"), ["CallStatus"] = "ringing",
            ["Padding"] = new string('p', Limit - 200),
        };
        using var client = new HttpClient();

        var response = await TwilioLoopback.PostWebhookAsync(client, target, url, form);

        Assert.Equal(204, (int)response.StatusCode);
    }

    public static TheoryData<string, string> MalformedForms => new()
    {
        { "multipart/form-data", "--x\r\nContent-Disposition: form-data; name=\"To\"\r\n\r\n+1415\r\n--x--\r\n" },
        { "multipart/form-data; boundary=x", "this is not multipart at all" },
        { "multipart/form-data; boundary=x", "--x\r\nContent-Disposition: form-data; name=\"To\"\r\n\r\n" },
        { "application/x-www-form-urlencoded", "To=%2B1415%ZZ&From=%" },
        { "application/x-www-form-urlencoded", string.Join('&', Enumerable.Range(0, 5000).Select(i => $"k{i}=v")) },
        { "application/x-www-form-urlencoded", "To=\u00ff\u00fe" },
        { "application/x-www-form-urlencoded; charset=nonsense", "To=%2B14155550100" },
        { "application/json", "{\"To\": \"+14155550100\"}" },
        { "text/plain", "" },
    };

    [Theory]
    [MemberData(nameof(MalformedForms))]
    public async Task A_malformed_or_foreign_body_is_a_400_or_403_problem(string contentType, string body)
    {
        var (target, _) = f.Webhook("twilio/voice");
        using var client = new HttpClient();
        using var request = new HttpRequestMessage(HttpMethod.Post, target) { Content = new ByteArrayContent(Encoding.Latin1.GetBytes(body)) };
        request.Content.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType);
        request.Headers.TryAddWithoutValidation("X-Twilio-Signature", "AAAA");

        var response = await client.SendAsync(request);

        var status = (int)response.StatusCode;
        Assert.True(status is 400 or 403, $"expected 400 or 403 but got {status}: {await response.Content.ReadAsStringAsync()}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }
}
