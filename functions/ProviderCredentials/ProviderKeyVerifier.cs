using System.Net.Http.Headers;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;
using VoiceAgents.Core.Credentials;
using VoiceAgents.Core.Net;

namespace VoiceAgents.Functions.ProviderCredentials;

/// <summary>
/// Checks a key with the vendor's cheapest authenticated call where that is one plain request: <c>GET {api}/models</c>
/// for the OpenAI-style APIs. Other vendors' keys are stored unverified. A refusal, an error or a vendor that does not
/// answer in time leaves the key unverified; storing it never depends on the vendor being up.
/// </summary>
public sealed partial class ProviderKeyVerifier(SsrfGuard targets, IConfiguration configuration, ILogger<ProviderKeyVerifier> log) : IDisposable
{
    /// <summary>The platform's OpenAI API root (<c>Providers:OpenAI:BaseUrl</c>, as voice-host reads it).</summary>
    public const string OpenAiBaseUrlSetting = "Providers:OpenAI:BaseUrl";

    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(5);

    // The URL may be a tenant's server, so connections go through the SSRF guard as webhooks do.
    private readonly HttpClient _http = new(new SocketsHttpHandler
    {
        UseProxy = false,
        AllowAutoRedirect = false,
        UseCookies = false,
        ConnectCallback = targets.ConnectAsync,
    }) { Timeout = Timeout };

    public async Task<bool> VerifyAsync(string provider, string key, Uri? baseUrl, CancellationToken ct)
    {
        var root = provider switch
        {
            "openai" => configuration[OpenAiBaseUrlSetting] is { Length: > 0 } configured ? configured : "https://api.openai.com/v1",
            CredentialProviders.OpenAiCompatible => baseUrl?.ToString(),
            _ => null,
        };
        if (root is null) return false;
        using var request = new HttpRequestMessage(HttpMethod.Get, root.TrimEnd('/') + "/models");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", key);
        try
        {
            using var response = await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, ct);
            if (!response.IsSuccessStatusCode) LogNotVerified(provider, ((int)response.StatusCode).ToString(System.Globalization.CultureInfo.InvariantCulture));
            return response.IsSuccessStatusCode;
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException or TargetRefusedException && !ct.IsCancellationRequested)
        {
            LogNotVerified(provider, e.Message);
            return false;
        }
    }

    public void Dispose() => _http.Dispose();

    [LoggerMessage(Level = LogLevel.Information, Message = "A tenant's {Provider} key was not verified: {Reason}")]
    private partial void LogNotVerified(string provider, string reason);
}
