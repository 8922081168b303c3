using Microsoft.Extensions.DependencyInjection;
using VoiceAgents.Core.Knowledge;
using VoiceAgents.Functions.KnowledgeBases;
using VoiceAgents.Tests.Infrastructure;
using static VoiceAgents.Tests.Knowledge.KnowledgeSeed;

namespace VoiceAgents.Tests.Knowledge;

/// <summary><c>GET /api/knowledge-bases/{id}/search</c>: what a call would retrieve, for the dashboard's search box.</summary>
[Collection(ApiCollection.Name)]
public sealed class KnowledgeSearchTests(ApiFixture api)
{
    [Fact]
    public async Task Search_returns_the_best_chunks_first_with_their_source_heading_position_and_score()
    {
        var tenant = await api.SignupAsync("kb-search");
        var kb = await AddClinicAsync(api.Services, tenant.TenantId);
        using var client = tenant.Client();

        var body = await TenantSession.Read(await client.GetAsync($"knowledge-bases/{kb}/search?q={Uri.EscapeDataString("Can I order my repeat prescription over the phone?")}&k=3"), 200);

        var results = body["results"]!.AsArray();
        Assert.InRange(results.Count, 1, 3);
        var best = results[0]!;
        Assert.Equal("Repeat prescriptions", best["heading"]!.GetValue<string>());
        Assert.Equal(ClinicDocument.Source, best["source"]!.GetValue<string>());
        Assert.Equal(4, best["position"]!.GetValue<int>());
        Assert.Contains("We do not take prescription requests over the telephone", best["text"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal(24, best["chunk_id"]!.GetValue<string>().Length);
        Assert.Equal(24, best["document_id"]!.GetValue<string>().Length);
        var scores = results.Select(r => r!["score"]!.GetValue<double>()).ToList();
        Assert.Equal(scores.OrderDescending(), scores);
    }

    [Fact]
    public async Task Search_defaults_to_five_results()
    {
        var tenant = await api.SignupAsync("kb-search-k");
        var kb = await AddClinicAsync(api.Services, tenant.TenantId);
        using var client = tenant.Client();

        var body = await TenantSession.Read(await client.GetAsync($"knowledge-bases/{kb}/search?q=appointment"), 200);

        Assert.Equal(KnowledgeSearchFunctions.DefaultK, body["results"]!.AsArray().Count);
    }

    [Theory]
    [InlineData("", "q")]
    [InlineData("q=", "q")]
    [InlineData("q=%20%20", "q")]
    [InlineData("q=the", "q")]
    [InlineData("q=parking&k=0", "k")]
    [InlineData("q=parking&k=21", "k")]
    [InlineData("q=parking&k=two", "k")]
    public async Task Search_without_words_to_search_or_with_k_outside_1_to_20_is_a_400_problem_naming_the_parameter(string query, string field)
    {
        var tenant = await api.SignupAsync("kb-search-400");
        var kb = await AddClinicAsync(api.Services, tenant.TenantId);
        using var client = tenant.Client();

        await Problems.AssertProblem(await client.GetAsync($"knowledge-bases/{kb}/search?{query}"), 400, field);
    }

    [Fact]
    public async Task Searching_another_tenants_knowledge_base_or_one_that_does_not_exist_is_a_404()
    {
        var owner = await api.SignupAsync("kb-owner");
        var kb = await AddClinicAsync(api.Services, owner.TenantId);
        var stranger = await api.SignupAsync("kb-stranger");
        using var client = stranger.Client();

        await Problems.AssertNotFound(await client.GetAsync($"knowledge-bases/{kb}/search?q=parking"));
        await Problems.AssertNotFound(await client.GetAsync($"knowledge-bases/{MongoDB.Bson.ObjectId.GenerateNewId()}/search?q=parking"));
    }

    [Fact]
    public async Task A_document_added_to_the_knowledge_base_is_found_by_the_next_search()
    {
        var tenant = await api.SignupAsync("kb-search-version");
        var kb = await AddClinicAsync(api.Services, tenant.TenantId);
        using var client = tenant.Client();
        var before = await TenantSession.Read(await client.GetAsync($"knowledge-bases/{kb}/search?q=defibrillator"), 200);
        Assert.Empty(before["results"]!.AsArray());

        await AddChunksAsync(api.Services, kb, [Chunk(tenant.TenantId, kb, "A defibrillator hangs on the wall beside the reception desk.", "Emergencies")]);

        var after = await TenantSession.Read(await client.GetAsync($"knowledge-bases/{kb}/search?q=defibrillator"), 200);
        Assert.Equal("Emergencies", Assert.Single(after["results"]!.AsArray())!["heading"]!.GetValue<string>());
        // The cached index was rebuilt for the new version, not added beside the old one.
        var index = await api.Services.GetRequiredService<KnowledgeIndexCache>().GetAsync(tenant.TenantId, kb, default);
        Assert.Equal(2, index!.Version);
    }
}
