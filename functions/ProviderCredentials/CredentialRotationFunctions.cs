using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Azure.Functions.Worker;
using VoiceAgents.Core.Credentials;
using VoiceAgents.Core.Errors;
using VoiceAgents.Functions.Infrastructure;
using VoiceAgents.Functions.OpenApi;

namespace VoiceAgents.Functions.ProviderCredentials;

/// <summary>
/// The operator's master-key rotation: set a new <c>Credentials:MasterKeys:&lt;id&gt;</c> and make it
/// <c>Credentials:ActiveKeyId</c> (keeping the old key), call this, then remove the old key once it reports none remaining.
/// </summary>
[OperatorOnly]
public sealed class CredentialRotationFunctions(CredentialRotation rotation, CredentialCipher cipher)
{
    [Function("OperatorRotateCredentials")]
    [OpenApiOperation("operator", "Re-seal every tenant's provider key under the active master key (operator only)", null, typeof(CredentialRotationResponse),
        Errors = ["503:No master key is set on this deployment"])]
    public async Task<Ok<CredentialRotationResponse>> Rotate(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "operator/provider-credentials/rotate")] HttpRequest req, CancellationToken ct)
    {
        if (!cipher.Configured) throw new ServiceUnavailableException("No master key is set (Credentials:ActiveKeyId).");
        var result = await rotation.RotateAsync(ct);
        return TypedResults.Ok(new CredentialRotationResponse(result.ActiveKeyId, result.Rotated, result.Remaining));
    }
}
