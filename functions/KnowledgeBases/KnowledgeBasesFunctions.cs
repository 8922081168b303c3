using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Azure.Functions.Worker;
using VoiceAgents.Core.Auth;
using VoiceAgents.Core.Domain;
using VoiceAgents.Functions.Infrastructure;
using VoiceAgents.Functions.OpenApi;

namespace VoiceAgents.Functions.KnowledgeBases;

public sealed class KnowledgeBasesFunctions(KnowledgeBasesService knowledge)
{
    private const string Paging = "limit:integer:1 to 200, default 50";
    private const string Cursor = "cursor:string:next_cursor of the previous page";

    [Function("ListKnowledgeBases")]
    [OpenApiOperation("knowledge-bases", "List knowledge bases, newest first", null, typeof(Page<KnowledgeBaseResponse>), QueryParameters = [Paging, Cursor])]
    public async Task<Ok<Page<KnowledgeBaseResponse>>> List(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "knowledge-bases")] HttpRequest req, CancellationToken ct) =>
        TypedResults.Ok(await knowledge.ListAsync(PageRequest.From(req), ct));

    [Function("CreateKnowledgeBase")]
    [OpenApiOperation("knowledge-bases", "Create an empty knowledge base", typeof(KnowledgeBaseRequest), typeof(KnowledgeBaseResponse), 201)]
    public async Task<Created<KnowledgeBaseResponse>> Create(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "knowledge-bases")] HttpRequest req, CancellationToken ct)
    {
        var kb = await knowledge.CreateAsync(await RequestBody.ReadAsync<KnowledgeBaseRequest>(req, ct), ct);
        return TypedResults.Created($"/api/knowledge-bases/{kb.Id}", kb);
    }

    [Function("GetKnowledgeBase")]
    [OpenApiOperation("knowledge-bases", "Get a knowledge base", null, typeof(KnowledgeBaseResponse))]
    public async Task<Ok<KnowledgeBaseResponse>> Get(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "knowledge-bases/{id}")] HttpRequest req, string id, CancellationToken ct) =>
        TypedResults.Ok(await knowledge.GetAsync(id, ct));

    [Function("UpdateKnowledgeBase")]
    [OpenApiOperation("knowledge-bases", "Rename a knowledge base or change its description; what is left out is kept", typeof(KnowledgeBaseRequest), typeof(KnowledgeBaseResponse))]
    public async Task<Ok<KnowledgeBaseResponse>> Update(
        [HttpTrigger(AuthorizationLevel.Anonymous, "patch", Route = "knowledge-bases/{id}")] HttpRequest req, string id, CancellationToken ct) =>
        TypedResults.Ok(await knowledge.UpdateAsync(id, await RequestBody.ReadAsync<KnowledgeBaseRequest>(req, ct), ct));

    [Function("DeleteKnowledgeBase"), Authorize(Roles = Roles.Admin), ApiKeyScope(ApiKeyScopes.Write)]
    [OpenApiOperation("knowledge-bases", "Delete a knowledge base with its documents (admins only)", null, null, 204,
        Errors = ["409:An agent answers from the knowledge base"])]
    public async Task<NoContent> Delete(
        [HttpTrigger(AuthorizationLevel.Anonymous, "delete", Route = "knowledge-bases/{id}")] HttpRequest req, string id, CancellationToken ct)
    {
        await knowledge.DeleteAsync(id, ct);
        return TypedResults.NoContent();
    }

    [Function("ListKnowledgeDocuments")]
    [OpenApiOperation("knowledge-bases", "List a knowledge base's documents, newest first", null, typeof(Page<KnowledgeDocumentResponse>), QueryParameters = [Paging, Cursor])]
    public async Task<Ok<Page<KnowledgeDocumentResponse>>> ListDocuments(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "knowledge-bases/{id}/documents")] HttpRequest req, string id, CancellationToken ct) =>
        TypedResults.Ok(await knowledge.ListDocumentsAsync(id, PageRequest.From(req), ct));

    [Function("UploadKnowledgeDocument")]
    [OpenApiOperation("knowledge-bases", "Upload a document (multipart/form-data field file: plain text, Markdown, HTML or PDF, up to 10 MB); its text is chunked for retrieval",
        null, typeof(KnowledgeDocumentResponse), 201, MultipartFile = UploadedFile.Field,
        Errors = ["413:The file is larger than 10 MB", "415:Not multipart/form-data, or a file that is not plain text, Markdown, HTML or PDF"])]
    public async Task<Created<KnowledgeDocumentResponse>> Upload(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "knowledge-bases/{id}/documents")] HttpRequest req, string id, CancellationToken ct)
    {
        await using var file = await UploadedFile.ReadAsync(req, KnowledgeBasesService.MaxDocumentBytes, ct);
        var document = await knowledge.AddDocumentAsync(id, file, ct);
        return TypedResults.Created($"/api/knowledge-bases/{document.KnowledgeBaseId}/documents/{document.Id}", document);
    }

    [Function("DeleteKnowledgeDocument")]
    [OpenApiOperation("knowledge-bases", "Remove a document and its chunks from a knowledge base", null, null, 204)]
    public async Task<NoContent> DeleteDocument(
        [HttpTrigger(AuthorizationLevel.Anonymous, "delete", Route = "knowledge-bases/{id}/documents/{documentId}")] HttpRequest req,
        string id, string documentId, CancellationToken ct)
    {
        await knowledge.DeleteDocumentAsync(id, documentId, ct);
        return TypedResults.NoContent();
    }
}
