using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Http;
using Microsoft.Azure.Functions.Worker;
using VoiceAgents.Functions.Infrastructure;

namespace VoiceAgents.Functions.OpenApi;

public sealed class OpenApiFunctions(FunctionCatalog catalog)
{
    [Function("OpenApiDocument"), AllowAnonymous]
    [OpenApiOperation("openapi", "This OpenAPI 3.1 document", null, null)]
    public IResult Get([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "openapi.json")] HttpRequest req) =>
        TypedResults.Text(OpenApiDocument.Build(catalog, "api").ToJsonString(), "application/json");
}
