using VoiceAgents.Core.Domain;
using VoiceAgents.Core.Knowledge;

namespace VoiceAgents.Tests.Knowledge;

/// <summary>The BM25 index over a knowledge base's chunks, its fusion with embeddings, and a rule's answer sentence.</summary>
public sealed class KnowledgeIndexTests
{
    private static readonly List<KnowledgeChunk> Clinic = ClinicDocument.Chunks("t", "kb");

    [Fact]
    public void The_clinic_question_set_finds_the_answering_section_in_the_top_three_for_at_least_80_percent_of_questions()
    {
        var index = KnowledgeIndex.Build(Clinic);
        var questions = ClinicDocument.Questions();
        Assert.True(questions.Count >= 20);
        Assert.True(Clinic.Count >= 15);

        var found = questions.Count(q => index.Search(q.Text, 3).Any(h => h.Chunk.Heading == q.Expected));
        var recall = (double)found / questions.Count;

        Assert.True(recall >= 0.8, $"recall@3 was {recall:0.00}: misses {string.Join("; ", questions.Where(q => !index.Search(q.Text, 3).Any(h => h.Chunk.Heading == q.Expected)).Select(q => q.Text))}");
    }

    [Fact]
    public void A_search_returns_the_best_chunks_first_with_descending_scores_and_at_most_k()
    {
        var index = KnowledgeIndex.Build(Clinic);

        var hits = index.Search("repeat prescription telephone", 4);

        Assert.Equal("Repeat prescriptions", hits[0].Chunk.Heading);
        Assert.InRange(hits.Count, 1, 4);
        Assert.Equal(hits.Select(h => h.Score).OrderDescending(), hits.Select(h => h.Score));
        Assert.All(hits, h => Assert.True(h.Score > 0));
    }

    [Fact]
    public void Stemming_matches_other_forms_of_a_word_and_a_query_of_stop_words_finds_nothing()
    {
        var index = KnowledgeIndex.Build(Clinic);

        Assert.Equal("Chaperones", index.Search("chaperone", 1)[0].Chunk.Heading);
        Assert.Empty(index.Search("is it the", 3));
        Assert.Empty(KnowledgeIndex.Build([]).Search("parking", 3));
    }

    [Fact]
    public void With_embeddings_the_cosine_ranking_is_fused_by_reciprocal_rank_and_lifts_a_chunk_bm25_misses()
    {
        // Two dimensions stand for meaning: only the parking chunk points where the query does.
        var chunks = ClinicDocument.Chunks("t", "kb");
        foreach (var c in chunks) c.Embedding = c.Heading == "Parking and getting here" ? [1f, 0f] : [0f, 1f];
        var index = KnowledgeIndex.Build(chunks);

        // No word of the query is in the document.
        var bm25Only = index.Search("automobile storage", 3);
        var fused = index.Search("automobile storage", 3, [1f, 0f]);

        Assert.Empty(bm25Only);
        Assert.Equal("Parking and getting here", fused[0].Chunk.Heading);
        // Only the cosine ranking found it, at rank 1: 1 / (60 + 1).
        Assert.Equal(1.0 / (KnowledgeIndex.FusionK + 1), fused[0].Score, 9);
    }

    [Fact]
    public void A_rule_answer_is_the_chunk_sentence_sharing_most_words_with_the_question_and_the_next_when_it_shares_one_too()
    {
        var text = Clinic.Single(c => c.Heading == "Fees for services not covered").Text;

        var answer = KnowledgeAnswer.From("Do you accept cheques?", text);

        Assert.Equal("We take payment by debit or credit card at reception; we no longer accept cheques.", answer);
        Assert.StartsWith("Please allow two full working days", KnowledgeAnswer.From("how many days for a prescription to be processed", Clinic.Single(c => c.Heading == "Repeat prescriptions").Text), StringComparison.Ordinal);
    }
}
