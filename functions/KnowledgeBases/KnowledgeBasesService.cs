using Microsoft.Extensions.Logging;
using MongoDB.Driver;
using VoiceAgents.Core.Data;
using VoiceAgents.Core.Domain;
using VoiceAgents.Core.Errors;
using VoiceAgents.Core.Knowledge;
using VoiceAgents.Core.Storage;
using VoiceAgents.Functions.Auth;
using VoiceAgents.Functions.Infrastructure;

namespace VoiceAgents.Functions.KnowledgeBases;

/// <summary>
/// A tenant's knowledge bases and their documents. An upload keeps the original in S3 and its text as chunks in
/// <c>knowledge_chunks</c>, then bumps the knowledge base's <c>version</c>, which tells voice-host to rebuild its index.
/// </summary>
public sealed partial class KnowledgeBasesService(MongoContext db, IObjectStore store, CurrentUser current, TimeProvider time, ILogger<KnowledgeBasesService> log)
{
    /// <summary>The largest document an upload takes, 10 MB.</summary>
    public const long MaxDocumentBytes = 10 * 1024 * 1024;

    /// <summary>Chunks per insert when a document is stored.</summary>
    public const int ChunkWriteBatch = 500;

    public async Task<Page<KnowledgeBaseResponse>> ListAsync(PageRequest page, CancellationToken ct) =>
        await db.KnowledgeBases.PageAsync(Builders<KnowledgeBase>.Filter.Eq(k => k.TenantId, current.TenantId), page, KnowledgeBaseResponse.From, ct);

    public async Task<KnowledgeBaseResponse> GetAsync(string id, CancellationToken ct) => KnowledgeBaseResponse.From(await FindAsync(Ids.Parse(id), ct));

    public async Task<KnowledgeBaseResponse> CreateAsync(KnowledgeBaseRequest request, CancellationToken ct)
    {
        var v = new Validation();
        v.Required("name", request.Name, 100);
        v.MaxLength("description", request.Description, 1_000);
        v.ThrowIfInvalid();
        var now = time.GetUtcNow().UtcDateTime;
        var kb = new KnowledgeBase
        {
            Id = Ids.New(), TenantId = current.TenantId, Name = request.Name!.Trim(), Description = Blank(request.Description),
            CreatedAt = now, UpdatedAt = now,
        };
        await db.KnowledgeBases.InsertOneAsync(kb, cancellationToken: ct);
        return KnowledgeBaseResponse.From(kb);
    }

    public async Task<KnowledgeBaseResponse> UpdateAsync(string id, KnowledgeBaseRequest request, CancellationToken ct)
    {
        id = Ids.Parse(id);
        var v = new Validation();
        if (request.Name is not null) v.Required("name", request.Name, 100);
        v.MaxLength("description", request.Description, 1_000);
        v.ThrowIfInvalid();
        var update = Builders<KnowledgeBase>.Update.Set(k => k.UpdatedAt, time.GetUtcNow().UtcDateTime);
        if (request.Name is not null) update = update.Set(k => k.Name, request.Name.Trim());
        if (request.Description is not null) update = update.Set(k => k.Description, Blank(request.Description));
        var updated = await db.KnowledgeBases.FindOneAndUpdateAsync(
            k => k.Id == id && k.TenantId == current.TenantId, update,
            new FindOneAndUpdateOptions<KnowledgeBase> { ReturnDocument = ReturnDocument.After }, ct)
            ?? throw new NotFoundException("Knowledge base");
        return KnowledgeBaseResponse.From(updated);
    }

    /// <summary>Deletes the knowledge base with its documents, chunks and originals; 409 while an agent answers from it.</summary>
    public async Task DeleteAsync(string id, CancellationToken ct)
    {
        id = Ids.Parse(id);
        await FindAsync(id, ct);
        var user = await db.Agents.Find(a => a.TenantId == current.TenantId && a.KnowledgeBases.Any(k => k.Id == id))
            .Project<Agent>(Builders<Agent>.Projection.Include(a => a.Id).Include(a => a.Name)).FirstOrDefaultAsync(ct);
        if (user is not null) throw new ConflictException($"Agent '{user.Name}' ({user.Id}) answers from this knowledge base; remove it from the agent first.");

        var keys = await db.KnowledgeDocuments.Find(d => d.TenantId == current.TenantId && d.KnowledgeBaseId == id).Project(d => d.ObjectKey).ToListAsync(ct);
        // The originals go first: should one fail, the documents still list them and a retry finds them.
        foreach (var key in keys) await store.DeleteAsync(key, ct);
        await db.KnowledgeChunks.DeleteManyAsync(c => c.TenantId == current.TenantId && c.KnowledgeBaseId == id, ct);
        await db.KnowledgeDocuments.DeleteManyAsync(d => d.TenantId == current.TenantId && d.KnowledgeBaseId == id, ct);
        await db.KnowledgeBases.DeleteOneAsync(k => k.Id == id && k.TenantId == current.TenantId, ct);
    }

    public async Task<Page<KnowledgeDocumentResponse>> ListDocumentsAsync(string id, PageRequest page, CancellationToken ct)
    {
        id = Ids.Parse(id);
        await FindAsync(id, ct);
        var f = Builders<KnowledgeDocument>.Filter;
        return await db.KnowledgeDocuments.PageAsync(f.Eq(d => d.TenantId, current.TenantId) & f.Eq(d => d.KnowledgeBaseId, id), page, KnowledgeDocumentResponse.From, ct);
    }

    /// <summary>
    /// Stores an uploaded document: its text is extracted and chunked first (a file we cannot read is refused before
    /// anything is kept), then the original goes to S3, the chunks and the document to MongoDB, and the version goes up.
    /// </summary>
    public async Task<KnowledgeDocumentResponse> AddDocumentAsync(string id, UploadedFile file, CancellationToken ct)
    {
        id = Ids.Parse(id);
        await FindAsync(id, ct);
        var contentType = KnowledgeContentTypes.Resolve(file.ContentType, file.FileName)
            ?? throw new UnsupportedMediaTypeException(file.ContentType ?? Path.GetExtension(file.FileName), "plain text, Markdown, HTML or PDF (.txt, .md, .html, .pdf)");

        IReadOnlyList<ChunkText> chunks;
        try
        {
            chunks = KnowledgeChunker.Chunk(DocumentExtractor.Extract(contentType, file.Content));
        }
        catch (InvalidDataException e)
        {
            throw new ValidationException(UploadedFile.Field, e.Message);
        }
        if (chunks.Count == 0) throw new ValidationException(UploadedFile.Field, "has no text to answer from (a scanned PDF holds only images).");

        var documentId = Ids.New();
        var document = new KnowledgeDocument
        {
            Id = documentId, TenantId = current.TenantId, KnowledgeBaseId = id, FileName = file.FileName, ContentType = contentType,
            Bytes = file.Length, ObjectKey = ObjectKeys.KnowledgeDocument(current.TenantId, id, documentId), Chunks = chunks.Count,
            CreatedAt = time.GetUtcNow().UtcDateTime,
        };
        file.Content.Position = 0;
        await store.PutAsync(document.ObjectKey, file.Content, contentType, ct);
        try
        {
            // A 10 MB text is about 7,000 chunks: written in batches, so one upload neither builds one 15 MB insert
            // nor holds the database for the length of it while other tenants' requests wait behind it.
            foreach (var batch in chunks.Chunk(ChunkWriteBatch))
            {
                await db.KnowledgeChunks.InsertManyAsync(batch.Select(c => new KnowledgeChunk
                {
                    Id = Ids.New(), TenantId = current.TenantId, KnowledgeBaseId = id, DocumentId = documentId, Source = file.FileName,
                    Position = c.Position, Heading = c.Heading, Text = c.Text,
                }), new InsertManyOptions { IsOrdered = false }, ct);
            }
            await db.KnowledgeDocuments.InsertOneAsync(document, cancellationToken: ct);
        }
        catch
        {
            // Without its document row nothing would ever remove these.
            await db.KnowledgeChunks.DeleteManyAsync(c => c.TenantId == current.TenantId && c.DocumentId == documentId, CancellationToken.None);
            await store.DeleteAsync(document.ObjectKey, CancellationToken.None);
            throw;
        }
        await BumpVersionAsync(id, ct);
        LogDocumentStored(log, documentId, id, contentType, document.Bytes, chunks.Count);
        return KnowledgeDocumentResponse.From(document);
    }

    public async Task DeleteDocumentAsync(string id, string documentId, CancellationToken ct)
    {
        id = Ids.Parse(id);
        documentId = Ids.Parse(documentId, "documentId");
        var document = await db.KnowledgeDocuments.Find(d => d.Id == documentId && d.KnowledgeBaseId == id && d.TenantId == current.TenantId).FirstOrDefaultAsync(ct)
            ?? throw new NotFoundException("Document");
        await store.DeleteAsync(document.ObjectKey, ct);
        await db.KnowledgeChunks.DeleteManyAsync(c => c.TenantId == current.TenantId && c.DocumentId == documentId, ct);
        await db.KnowledgeDocuments.DeleteOneAsync(d => d.Id == documentId && d.TenantId == current.TenantId, ct);
        await BumpVersionAsync(id, ct);
    }

    private Task BumpVersionAsync(string id, CancellationToken ct) =>
        db.KnowledgeBases.UpdateOneAsync(k => k.Id == id && k.TenantId == current.TenantId,
            Builders<KnowledgeBase>.Update.Inc(k => k.Version, 1).Set(k => k.UpdatedAt, time.GetUtcNow().UtcDateTime), cancellationToken: ct);

    private async Task<KnowledgeBase> FindAsync(string id, CancellationToken ct) =>
        await db.KnowledgeBases.Find(k => k.Id == id && k.TenantId == current.TenantId).FirstOrDefaultAsync(ct)
        ?? throw new NotFoundException("Knowledge base");

    private static string? Blank(string? s) => string.IsNullOrWhiteSpace(s) ? null : s.Trim();

    [LoggerMessage(Level = LogLevel.Information, Message = "Stored document {DocumentId} in knowledge base {KnowledgeBaseId}: {ContentType}, {Bytes} bytes, {Chunks} chunks")]
    private static partial void LogDocumentStored(ILogger log, string documentId, string knowledgeBaseId, string contentType, long bytes, int chunks);
}
