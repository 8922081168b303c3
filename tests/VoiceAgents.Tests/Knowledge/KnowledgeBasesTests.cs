using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using MongoDB.Driver;
using VoiceAgents.Core.Data;
using VoiceAgents.Core.Domain;
using VoiceAgents.Core.Storage;
using VoiceAgents.Tests.Infrastructure;

namespace VoiceAgents.Tests.Knowledge;

[Collection(ApiCollection.Name)]
public sealed class KnowledgeBasesTests(ApiFixture api)
{
    private const string Policies = """
        # Clinic policies

        The clinic opens at eight in the morning and closes at six in the evening.

        ## Cancellations

        Cancel at least a day ahead. A late cancellation costs twenty dollars.
        """;

    private MongoContext Db => api.Services.GetRequiredService<MongoContext>();
    private IObjectStore Store => api.Services.GetRequiredService<IObjectStore>();

    public static MultipartFormDataContent File(byte[] content, string fileName, string? contentType, string field = "file")
    {
        var part = new ByteArrayContent(content);
        if (contentType is not null) part.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType);
        return new MultipartFormDataContent { { part, field, fileName } };
    }

    public static MultipartFormDataContent File(string content, string fileName, string? contentType, string field = "file") =>
        File(Encoding.UTF8.GetBytes(content), fileName, contentType, field);

    public static async Task<string> CreateKnowledgeBaseAsync(HttpClient client, string name = "Clinic")
    {
        var kb = await TenantSession.Read(await client.PostAsync("knowledge-bases", ApiFixture.Json(new { name, description = "What the front desk knows" })), 201);
        return kb["id"]!.GetValue<string>();
    }

    private static async Task<long> VersionAsync(HttpClient client, string kb) =>
        (await TenantSession.Read(await client.GetAsync($"knowledge-bases/{kb}"), 200))["version"]!.GetValue<long>();

    [Fact]
    public async Task Create_get_rename_and_list_a_knowledge_base()
    {
        var tenant = await api.SignupAsync("kb");
        using var client = tenant.Client();
        var response = await client.PostAsync("knowledge-bases", ApiFixture.Json(new { name = "  Clinic  ", description = "Front desk" }));
        var created = await TenantSession.Read(response, 201);
        var id = created["id"]!.GetValue<string>();
        Assert.Equal($"/api/knowledge-bases/{id}", response.Headers.Location?.OriginalString);
        Assert.Equal("Clinic", created["name"]!.GetValue<string>());
        Assert.Equal(0, created["version"]!.GetValue<long>());

        var renamed = await TenantSession.Read(await client.PatchAsync($"knowledge-bases/{id}", ApiFixture.Json(new { name = "Clinic FAQ" })), 200);
        Assert.Equal("Clinic FAQ", renamed["name"]!.GetValue<string>());
        Assert.Equal("Front desk", renamed["description"]!.GetValue<string>());
        var cleared = await TenantSession.Read(await client.PatchAsync($"knowledge-bases/{id}", ApiFixture.Json(new { description = "" })), 200);
        Assert.Null(cleared["description"]);
        Assert.Equal("Clinic FAQ", (await TenantSession.Read(await client.GetAsync($"knowledge-bases/{id}"), 200))["name"]!.GetValue<string>());

        var list = await TenantSession.Read(await client.GetAsync("knowledge-bases"), 200);
        Assert.Equal([id], list["items"]!.AsArray().Select(k => k!["id"]!.GetValue<string>()));
    }

    [Fact]
    public async Task A_knowledge_base_without_a_name_returns_400_for_name()
    {
        var tenant = await api.SignupAsync("kb");
        using var client = tenant.Client();
        await Problems.AssertProblem(await client.PostAsync("knowledge-bases", ApiFixture.Json(new { description = "x" })), 400, "name");
        var id = await CreateKnowledgeBaseAsync(client);
        await Problems.AssertProblem(await client.PatchAsync($"knowledge-bases/{id}", ApiFixture.Json(new { name = "  " })), 400, "name");
    }

    [Fact]
    public async Task Uploading_markdown_stores_the_original_in_s3_under_the_tenant_and_its_chunks_with_source_and_position()
    {
        var tenant = await api.SignupAsync("kb");
        using var client = tenant.Client();
        var kb = await CreateKnowledgeBaseAsync(client);

        var response = await client.PostAsync($"knowledge-bases/{kb}/documents", File(Policies, "policies.md", "text/markdown"));
        var document = await TenantSession.Read(response, 201);
        var documentId = document["id"]!.GetValue<string>();
        Assert.Equal($"/api/knowledge-bases/{kb}/documents/{documentId}", response.Headers.Location?.OriginalString);
        Assert.Equal("policies.md", document["file_name"]!.GetValue<string>());
        Assert.Equal("text/markdown", document["content_type"]!.GetValue<string>());
        Assert.Equal(Encoding.UTF8.GetByteCount(Policies), document["bytes"]!.GetValue<long>());
        Assert.Equal(2, document["chunks"]!.GetValue<int>());

        var stored = await Db.KnowledgeDocuments.Find(d => d.Id == documentId).SingleAsync();
        Assert.Equal($"knowledge/{tenant.TenantId}/{kb}/{documentId}", stored.ObjectKey);
        await using (var original = await Store.GetAsync(stored.ObjectKey, CancellationToken.None))
        {
            Assert.NotNull(original);
            Assert.Equal(Policies, await new StreamReader(original).ReadToEndAsync());
        }

        var chunks = await Db.KnowledgeChunks.Find(c => c.DocumentId == documentId).SortBy(c => c.Position).ToListAsync();
        Assert.Equal([0, 1], chunks.Select(c => c.Position));
        Assert.All(chunks, c => Assert.Equal(("policies.md", tenant.TenantId, kb), (c.Source, c.TenantId, c.KnowledgeBaseId)));
        Assert.Equal("Clinic policies", chunks[0].Heading);
        Assert.Equal("The clinic opens at eight in the morning and closes at six in the evening.", chunks[0].Text);
        Assert.Equal("Clinic policies > Cancellations", chunks[1].Heading);
        Assert.Equal(1, await VersionAsync(client, kb));

        var documents = await TenantSession.Read(await client.GetAsync($"knowledge-bases/{kb}/documents"), 200);
        Assert.Equal([documentId], documents["items"]!.AsArray().Select(d => d!["id"]!.GetValue<string>()));
    }

    [Theory]
    [InlineData("hours.txt", "text/plain", "Open from eight.\n\nClosed on Sundays.", "Open from eight.\n\nClosed on Sundays.")]
    [InlineData("hours.html", "text/html", "<h1>Hours</h1><p>Open from <b>eight</b>.</p><script>x()</script>", "Open from eight.")]
    [InlineData("hours.md", "application/octet-stream", "# Hours\nOpen from eight.", "Open from eight.")]
    public async Task Text_html_and_markdown_uploads_are_chunked(string fileName, string contentType, string content, string expected)
    {
        var tenant = await api.SignupAsync("kb");
        using var client = tenant.Client();
        var kb = await CreateKnowledgeBaseAsync(client);
        var document = await TenantSession.Read(await client.PostAsync($"knowledge-bases/{kb}/documents", File(content, fileName, contentType)), 201);
        var chunk = await Db.KnowledgeChunks.Find(c => c.DocumentId == document["id"]!.GetValue<string>()).SingleAsync();
        Assert.Equal(expected, chunk.Text);
    }

    [Fact]
    public async Task Uploading_a_pdf_extracts_its_text_with_pdfpig()
    {
        var tenant = await api.SignupAsync("kb");
        using var client = tenant.Client();
        var kb = await CreateKnowledgeBaseAsync(client);
        var pdf = TestPdf.With("Flu shots are given on Tuesdays.", "Bring your insurance card to every visit.");

        var document = await TenantSession.Read(await client.PostAsync($"knowledge-bases/{kb}/documents", File(pdf, "shots.pdf", "application/pdf")), 201);

        Assert.Equal("application/pdf", document["content_type"]!.GetValue<string>());
        var chunk = await Db.KnowledgeChunks.Find(c => c.DocumentId == document["id"]!.GetValue<string>()).SingleAsync();
        Assert.Equal("Flu shots are given on Tuesdays.\n\nBring your insurance card to every visit.", chunk.Text);
    }

    [Fact]
    public async Task A_document_of_more_chunks_than_one_write_batch_stores_each_chunk_once_with_its_position()
    {
        var tenant = await api.SignupAsync("kb-batches");
        using var client = tenant.Client();
        var kb = await CreateKnowledgeBaseAsync(client);
        // About 2 MB of paragraphs of distinct words: well over two batches of chunks.
        var text = string.Join("\n\n", Enumerable.Range(0, 5_000).Select(p => string.Join(' ', Enumerable.Range(0, 60).Select(w => $"p{p}w{w}"))));

        var document = await TenantSession.Read(await client.PostAsync($"knowledge-bases/{kb}/documents", File(text, "long.txt", "text/plain")), 201);

        var count = document["chunks"]!.GetValue<int>();
        Assert.True(count > 2 * VoiceAgents.Functions.KnowledgeBases.KnowledgeBasesService.ChunkWriteBatch, $"{count} chunks");
        var positions = await Db.KnowledgeChunks.Find(c => c.DocumentId == document["id"]!.GetValue<string>()).Project(c => c.Position).ToListAsync();
        Assert.Equal(Enumerable.Range(0, count), positions.Order());
    }

    [Fact]
    public async Task A_file_over_10_MB_returns_413_problem_and_stores_nothing()
    {
        var tenant = await api.SignupAsync("kb");
        using var client = tenant.Client();
        var kb = await CreateKnowledgeBaseAsync(client);
        var content = new byte[10 * 1024 * 1024 + 1];
        Array.Fill(content, (byte)'a');

        var problem = await Problems.AssertProblem(await client.PostAsync($"knowledge-bases/{kb}/documents", File(content, "big.txt", "text/plain")), 413);

        Assert.Contains("10485760", problem["detail"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal(0, await Db.KnowledgeDocuments.CountDocumentsAsync(d => d.KnowledgeBaseId == kb));
        Assert.Equal(0, await VersionAsync(client, kb));
    }

    [Fact]
    public async Task A_file_over_10_MB_sent_without_a_content_length_returns_413_as_the_limit_is_passed()
    {
        var tenant = await api.SignupAsync("kb");
        using var client = tenant.Client();
        var kb = await CreateKnowledgeBaseAsync(client);
        // No Content-Length (chunked transfer): only counting the bytes as they stream in can refuse it.
        using var body = new MultipartFormDataContent { { new UnsizedContent(new byte[11 * 1024 * 1024]), "file", "big.txt" } };
        Assert.Null(body.Headers.ContentLength);

        await Problems.AssertProblem(await client.PostAsync($"knowledge-bases/{kb}/documents", body), 413);
        Assert.Equal(0, await Db.KnowledgeDocuments.CountDocumentsAsync(d => d.KnowledgeBaseId == kb));
    }

    /// <summary>Content whose length is not known in advance, so HttpClient sends it chunked.</summary>
    private sealed class UnsizedContent(byte[] bytes) : HttpContent
    {
        protected override Task SerializeToStreamAsync(Stream stream, System.Net.TransportContext? context) => stream.WriteAsync(bytes).AsTask();

        protected override bool TryComputeLength(out long length)
        {
            length = 0;
            return false;
        }
    }

    [Fact]
    public async Task A_file_of_exactly_10_MB_is_accepted()
    {
        var tenant = await api.SignupAsync("kb");
        using var client = tenant.Client();
        var kb = await CreateKnowledgeBaseAsync(client);
        // An HTML page padded to the limit by a script, so its few words make one chunk.
        const string head = "<html><body><p>Open from eight.</p><script>", tail = "</script></body></html>";
        var content = Encoding.ASCII.GetBytes(head + new string('x', 10 * 1024 * 1024 - head.Length - tail.Length) + tail);

        var document = await TenantSession.Read(await client.PostAsync($"knowledge-bases/{kb}/documents", File(content, "big.html", "text/html")), 201);

        Assert.Equal(10 * 1024 * 1024, document["bytes"]!.GetValue<long>());
        Assert.Equal(1, document["chunks"]!.GetValue<int>());
    }

    [Fact]
    public async Task A_body_far_over_the_limit_is_refused_from_its_content_length_with_413()
    {
        var tenant = await api.SignupAsync("kb");
        using var client = tenant.Client();
        var kb = await CreateKnowledgeBaseAsync(client);
        await Problems.AssertProblem(await client.PostAsync($"knowledge-bases/{kb}/documents", File(new byte[11 * 1024 * 1024], "big.txt", "text/plain")), 413);
    }

    [Theory]
    [InlineData("photo.png", "image/png")]
    [InlineData("setup.exe", "application/octet-stream")]
    [InlineData("sheet.xlsx", null)]
    public async Task An_unknown_file_type_returns_415(string fileName, string? contentType)
    {
        var tenant = await api.SignupAsync("kb");
        using var client = tenant.Client();
        var kb = await CreateKnowledgeBaseAsync(client);
        await Problems.AssertProblem(await client.PostAsync($"knowledge-bases/{kb}/documents", File([1, 2, 3], fileName, contentType)), 415);
        Assert.Equal(0, await VersionAsync(client, kb));
    }

    [Fact]
    public async Task A_json_body_instead_of_multipart_returns_415()
    {
        var tenant = await api.SignupAsync("kb");
        using var client = tenant.Client();
        var kb = await CreateKnowledgeBaseAsync(client);
        await Problems.AssertProblem(await client.PostAsync($"knowledge-bases/{kb}/documents", ApiFixture.Json(new { file = "x" })), 415);
    }

    [Fact]
    public async Task A_multipart_body_without_a_file_field_returns_400_for_file()
    {
        var tenant = await api.SignupAsync("kb");
        using var client = tenant.Client();
        var kb = await CreateKnowledgeBaseAsync(client);
        await Problems.AssertProblem(await client.PostAsync($"knowledge-bases/{kb}/documents", File("text", "a.txt", "text/plain", field: "document")), 400, "file");
    }

    [Fact]
    public async Task A_damaged_pdf_or_a_file_without_text_returns_400_for_file()
    {
        var tenant = await api.SignupAsync("kb");
        using var client = tenant.Client();
        var kb = await CreateKnowledgeBaseAsync(client);
        await Problems.AssertProblem(await client.PostAsync($"knowledge-bases/{kb}/documents", File("not a pdf", "a.pdf", "application/pdf")), 400, "file");
        await Problems.AssertProblem(await client.PostAsync($"knowledge-bases/{kb}/documents", File(" \n\n ", "a.txt", "text/plain")), 400, "file");
        Assert.Equal(0, await Db.KnowledgeDocuments.CountDocumentsAsync(d => d.KnowledgeBaseId == kb));
    }

    [Fact]
    public async Task Deleting_a_document_removes_its_chunks_and_original_and_bumps_the_version()
    {
        var tenant = await api.SignupAsync("kb");
        using var client = tenant.Client();
        var kb = await CreateKnowledgeBaseAsync(client);
        var kept = (await TenantSession.Read(await client.PostAsync($"knowledge-bases/{kb}/documents", File("Parking is free.", "parking.txt", "text/plain")), 201))["id"]!.GetValue<string>();
        var removed = (await TenantSession.Read(await client.PostAsync($"knowledge-bases/{kb}/documents", File(Policies, "policies.md", "text/markdown")), 201))["id"]!.GetValue<string>();
        var key = (await Db.KnowledgeDocuments.Find(d => d.Id == removed).SingleAsync()).ObjectKey;
        Assert.Equal(2, await VersionAsync(client, kb));

        var response = await client.DeleteAsync($"knowledge-bases/{kb}/documents/{removed}");

        Assert.Equal(204, (int)response.StatusCode);
        Assert.Equal(0, await Db.KnowledgeChunks.CountDocumentsAsync(c => c.DocumentId == removed));
        Assert.Equal(1, await Db.KnowledgeChunks.CountDocumentsAsync(c => c.DocumentId == kept));
        Assert.Null(await Store.GetAsync(key, CancellationToken.None));
        Assert.Equal(3, await VersionAsync(client, kb));
        var documents = await TenantSession.Read(await client.GetAsync($"knowledge-bases/{kb}/documents"), 200);
        Assert.Equal([kept], documents["items"]!.AsArray().Select(d => d!["id"]!.GetValue<string>()));
        await Problems.AssertNotFound(await client.DeleteAsync($"knowledge-bases/{kb}/documents/{removed}"));
    }

    [Fact]
    public async Task Deleting_a_knowledge_base_removes_its_documents_chunks_and_originals()
    {
        var tenant = await api.SignupAsync("kb");
        using var client = tenant.Client();
        var kb = await CreateKnowledgeBaseAsync(client);
        var document = (await TenantSession.Read(await client.PostAsync($"knowledge-bases/{kb}/documents", File(Policies, "policies.md", "text/markdown")), 201))["id"]!.GetValue<string>();
        var key = (await Db.KnowledgeDocuments.Find(d => d.Id == document).SingleAsync()).ObjectKey;

        Assert.Equal(204, (int)(await client.DeleteAsync($"knowledge-bases/{kb}")).StatusCode);

        await Problems.AssertNotFound(await client.GetAsync($"knowledge-bases/{kb}"));
        Assert.Equal(0, await Db.KnowledgeChunks.CountDocumentsAsync(c => c.KnowledgeBaseId == kb));
        Assert.Equal(0, await Db.KnowledgeDocuments.CountDocumentsAsync(d => d.KnowledgeBaseId == kb));
        Assert.Null(await Store.GetAsync(key, CancellationToken.None));
    }

    [Fact]
    public async Task Another_tenants_knowledge_base_is_not_found_for_every_operation()
    {
        var owner = await api.SignupAsync("kb");
        using var ownerClient = owner.Client();
        var kb = await CreateKnowledgeBaseAsync(ownerClient);
        var document = (await TenantSession.Read(await ownerClient.PostAsync($"knowledge-bases/{kb}/documents", File("Parking is free.", "p.txt", "text/plain")), 201))["id"]!.GetValue<string>();
        var other = await api.SignupAsync("kb");
        using var client = other.Client();

        await Problems.AssertNotFound(await client.GetAsync($"knowledge-bases/{kb}"));
        await Problems.AssertNotFound(await client.PatchAsync($"knowledge-bases/{kb}", ApiFixture.Json(new { name = "Mine" })));
        await Problems.AssertNotFound(await client.GetAsync($"knowledge-bases/{kb}/documents"));
        await Problems.AssertNotFound(await client.PostAsync($"knowledge-bases/{kb}/documents", File("x", "x.txt", "text/plain")));
        await Problems.AssertNotFound(await client.DeleteAsync($"knowledge-bases/{kb}/documents/{document}"));
        await Problems.AssertNotFound(await client.DeleteAsync($"knowledge-bases/{kb}"));
        Assert.Empty((await TenantSession.Read(await client.GetAsync("knowledge-bases"), 200))["items"]!.AsArray());
        Assert.Equal(1, await Db.KnowledgeChunks.CountDocumentsAsync(c => c.DocumentId == document));
    }

    [Fact]
    public async Task The_upload_is_described_as_multipart_in_the_openapi_document()
    {
        using var anon = api.Client();
        var doc = await TenantSession.Read(await anon.GetAsync("openapi.json"), 200);
        var upload = doc["paths"]!["/api/knowledge-bases/{id}/documents"]!["post"]!;
        Assert.Equal("binary", upload["requestBody"]!["content"]!["multipart/form-data"]!["schema"]!["properties"]!["file"]!["format"]!.GetValue<string>());
        Assert.True(upload["responses"]!.AsObject().ContainsKey("413"));
        Assert.True(upload["responses"]!.AsObject().ContainsKey("415"));
    }
}
