using System.Text;
using VoiceAgents.Tests.Infrastructure;

namespace VoiceAgents.Tests.Auth;

/// <summary>
/// One account per email however it is spelled (NFC or NFD, any case, a domain in Unicode or punycode), addresses
/// that are not plain <c>local@domain</c> refused naming the field, and passwords that zxcvbn finds easy to guess
/// refused with what made them weak.
/// </summary>
[Collection(ApiCollection.Name)]
public sealed class EmailAndPasswordHygieneTests(ApiFixture api)
{
    private const string Password = "correct-horse-battery";

    private Task<HttpResponseMessage> SignupAsync(string email, string password = Password) =>
        api.PostSignupAsync(new { email, password, name = "Ada Lovelace", organization = "Analytical Engines" });

    private static async Task<HttpResponseMessage> AddMemberAsync(TenantSession admin, string email, string password = "member-orchid-lantern-73")
    {
        using var client = admin.Client();
        return await client.PostAsync("members", ApiFixture.Json(new { email, name = "Grace", role = "user", password }));
    }

    [Fact]
    public async Task Nfd_and_other_case_spellings_of_a_registered_email_are_the_same_account()
    {
        var email = $"élodie.müller-{Guid.NewGuid():N}@example.com";
        var created = await TenantSession.Read(await SignupAsync(email.Normalize(NormalizationForm.FormD).ToUpperInvariant()), 201);
        // Stored in the one normal form: NFC, lower case.
        Assert.Equal(email, created["user"]!["email"]!.GetValue<string>());
        Assert.True(created["user"]!["email"]!.GetValue<string>().IsNormalized(NormalizationForm.FormC));

        foreach (var spelling in new[] { email, email.Normalize(NormalizationForm.FormD), email.ToUpperInvariant(), $" {email.ToUpperInvariant().Normalize(NormalizationForm.FormD)} " })
        {
            await Problems.AssertProblem(await SignupAsync(spelling), 409);
            await TenantSession.Read(await api.LoginAsync(spelling, Password, AuthRequests.UniqueIp()), 200);
        }
        var admin = await api.SignupAsync("nfd-member");
        await Problems.AssertProblem(await AddMemberAsync(admin, email.Normalize(NormalizationForm.FormD)), 409);
    }

    [Fact]
    public async Task A_domain_in_punycode_is_the_same_as_its_unicode_spelling()
    {
        var local = $"reader-{Guid.NewGuid():N}";
        var created = await TenantSession.Read(await SignupAsync($"{local}@xn--bcher-kva.example"), 201);
        Assert.Equal($"{local}@bücher.example", created["user"]!["email"]!.GetValue<string>());

        await Problems.AssertProblem(await SignupAsync($"{local}@BÜCHER.example"), 409);
    }

    [Theory]
    [InlineData("ada\u0000lovelace@example.com")]
    [InlineData("<ada@example.com>")]
    [InlineData("Ada <ada@example.com>")]
    [InlineData("ada@[127.0.0.1]")]
    [InlineData("\"ada\"@example.com")]
    [InlineData("ada(comment)@example.com")]
    [InlineData("ada,bob@example.com")]
    [InlineData("a..da@example.com")]
    [InlineData(".ada@example.com")]
    [InlineData("ada@-example.com")]
    [InlineData("ada@example..com")]
    [InlineData("ada@exa_mple.com")]
    [InlineData("ada\u200b@example.com")]
    [InlineData("ada\u202e@example.com")]
    [InlineData("ada\r\nbcc@example.com")]
    [InlineData("ada@example.com\u0000")]
    public async Task An_address_that_is_not_plain_local_at_domain_returns_400_naming_email(string email)
    {
        var problem = await Problems.AssertProblem(await SignupAsync(email), 400, "email");
        Assert.Single(problem["errors"]!.AsObject());

        var admin = await api.SignupAsync("bad-member-email");
        await Problems.AssertProblem(await AddMemberAsync(admin, email), 400, "email");
    }

    [Theory]
    [InlineData("password1234", "the common password 'password'")]
    [InlineData("qwertyuiop12", "the common password 'qwertyuiop'")]
    [InlineData("iloveyou2024", "the common password 'iloveyou'")]
    [InlineData("1234567890", "the sequence '1234567890'")]
    [InlineData("aaaaaaaaaaaa", "the repeated characters 'aaaaaaaaaaaa'")]
    [InlineData("analytical-engines", "your own email, name or organization")]
    public async Task A_password_that_is_easy_to_guess_returns_400_saying_why(string password, string why)
    {
        var problem = await Problems.AssertProblem(await SignupAsync($"weak-{Guid.NewGuid():N}@example.com", password), 400, "password");

        var message = problem["errors"]!["password"]![0]!.GetValue<string>();
        Assert.Contains("too easy to guess", message, StringComparison.Ordinal);
        Assert.Contains(why, message, StringComparison.Ordinal);

        var admin = await api.SignupAsync("weak-member");
        await Problems.AssertProblem(await AddMemberAsync(admin, $"weak-{Guid.NewGuid():N}@example.com", password), 400, "password");
    }

    [Fact]
    public async Task A_long_password_is_estimated_quickly_and_accepted()
    {
        var started = System.Diagnostics.Stopwatch.StartNew();
        await TenantSession.Read(await SignupAsync($"long-{Guid.NewGuid():N}@example.com", "orchid lantern velvet " + new string('x', 1000)), 201);
        Assert.True(started.Elapsed < TimeSpan.FromSeconds(5), $"a 1,022-character password took {started.Elapsed.TotalSeconds:F1} s");
    }
}
