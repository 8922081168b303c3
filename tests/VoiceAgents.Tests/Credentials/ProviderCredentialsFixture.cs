using Microsoft.AspNetCore.Http;
using VoiceAgents.Tests.Infrastructure;
using VoiceAgents.Tests.Providers;

namespace VoiceAgents.Tests.Credentials;

/// <summary>
/// The API with two master keys, the second active (so a credential sealed under the first is due for rotation), the
/// platform's Anthropic key closed to tenants, and an OpenAI loopback whose <c>GET /models</c> accepts only <see cref="GoodKey"/>.
/// </summary>
public sealed class ProviderCredentialsFixture : IAsyncLifetime
{
    public const string GoodKey = "sk-good-tenant-key-4242";
    public const string NewKeyId = "test-2";
    public const string NewKey = "/GGY+uM7fMDAexBODohu74qjAwtOOkVTvUvhFAuKzII=";

    public ApiFixture Api { get; } = new();
    public HttpLoopback OpenAi { get; private set; } = default!;

    public async Task InitializeAsync()
    {
        OpenAi = await HttpLoopback.StartAsync();
        OpenAi.Respond = ctx => ctx.Request.Headers.Authorization == $"Bearer {GoodKey}"
            ? HttpLoopback.Json(200, """{"object":"list","data":[{"id":"gpt-4o-mini","object":"model","created":1686935002,"owned_by":"openai"}]}""")(ctx)
            : HttpLoopback.Json(StatusCodes.Status401Unauthorized, """{"error":{"message":"Incorrect API key provided.","type":"invalid_request_error","code":"invalid_api_key"}}""")(ctx);
        Api.Settings["Providers:OpenAI:BaseUrl"] = OpenAi.BaseUrl.ToString().TrimEnd('/') + "/v1";
        Api.Settings[$"Credentials:MasterKeys:{NewKeyId}"] = NewKey;
        Api.Settings["Credentials:ActiveKeyId"] = NewKeyId;
        Api.Settings["Credentials:AllowPlatformKey:anthropic"] = "false";
        // openai_compatible servers in these tests listen on loopback, as under ./run.sh.
        Api.Settings["Webhooks:AllowPrivateTargets"] = "true";
        await Api.InitializeAsync();
    }

    public async Task DisposeAsync()
    {
        await Api.DisposeAsync();
        await OpenAi.DisposeAsync();
    }
}
