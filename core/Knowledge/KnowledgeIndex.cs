using Lucene.Net.Analysis;
using Lucene.Net.Analysis.En;
using Lucene.Net.Analysis.TokenAttributes;
using Lucene.Net.Documents;
using Lucene.Net.Index;
using Lucene.Net.Search;
using Lucene.Net.Search.Similarities;
using Lucene.Net.Store;
using Lucene.Net.Util;
using VoiceAgents.Core.Domain;

namespace VoiceAgents.Core.Knowledge;

/// <summary>
/// One knowledge base's chunks in an in-memory Lucene index ranked by BM25 (English stemming and stop words, the
/// heading indexed with the text). With embeddings (every chunk's and the query's), the BM25 ranking and the cosine
/// ranking are fused by reciprocal rank (<see cref="FusionK"/>). Built once per knowledge base version and then
/// read-only: searches may run concurrently. It holds only managed memory (a RAMDirectory) and is not disposed: an
/// index the cache drops may still be serving a search, and the garbage collector frees it after.
/// </summary>
public sealed class KnowledgeIndex
{
    /// <summary>The constant of reciprocal-rank fusion: a hit at rank r adds 1 / (FusionK + r).</summary>
    public const int FusionK = 60;
    /// <summary>How many hits of each ranking fusion looks at.</summary>
    private const int FusionDepth = 50;
    /// <summary>A caller's long turn is cut to its first distinct terms; BooleanQuery refuses more than 1,024 clauses.</summary>
    private const int MaxQueryTerms = 64;

    private const LuceneVersion Version_ = LuceneVersion.LUCENE_48;
    private const string TextField = "text";
    private const string OrdinalField = "i";

    private static readonly Analyzer Analyzer = new EnglishAnalyzer(Version_);
    private static readonly Similarity Bm25 = new BM25Similarity();

    private readonly IndexSearcher _searcher;
    private readonly IReadOnlyList<KnowledgeChunk> _chunks;

    private KnowledgeIndex(IReadOnlyList<KnowledgeChunk> chunks, long version, RAMDirectory directory)
    {
        _chunks = chunks;
        Version = version;
        _searcher = new IndexSearcher(DirectoryReader.Open(directory)) { Similarity = Bm25 };
        HasEmbeddings = chunks.Count > 0 && chunks.All(c => c.Embedding is { Length: > 0 });
    }

    /// <summary>The knowledge base's <see cref="KnowledgeBase.Version"/> the index was built from.</summary>
    public long Version { get; }

    public int Count => _chunks.Count;

    /// <summary>Every chunk has an embedding, so a query's embedding can take part.</summary>
    public bool HasEmbeddings { get; }

    public static KnowledgeIndex Build(IReadOnlyList<KnowledgeChunk> chunks, long version = 0)
    {
        var directory = new RAMDirectory();
        var config = new IndexWriterConfig(Version_, Analyzer) { Similarity = Bm25, OpenMode = OpenMode.CREATE, RAMBufferSizeMB = 64 };
        using (var writer = new IndexWriter(directory, config))
        {
            for (var i = 0; i < chunks.Count; i++)
            {
                var chunk = chunks[i];
                var text = chunk.Heading is { Length: > 0 } heading ? heading + "\n" + chunk.Text : chunk.Text;
                writer.AddDocument(new Document
                {
                    new StoredField(OrdinalField, i),
                    new TextField(TextField, text, Field.Store.NO),
                });
            }
            writer.Commit();
        }
        return new KnowledgeIndex(chunks, version, directory);
    }

    /// <summary>
    /// The <paramref name="k"/> best chunks for <paramref name="query"/>, best first; none when the query has no
    /// searchable words. <paramref name="queryEmbedding"/> fuses in the cosine ranking when the chunks have embeddings.
    /// </summary>
    public IReadOnlyList<KnowledgeIndexHit> Search(string query, int k, float[]? queryEmbedding = null)
    {
        if (k <= 0 || _chunks.Count == 0) return [];
        var fuse = queryEmbedding is { Length: > 0 } && HasEmbeddings;
        var bm25 = Bm25Ranking(query, fuse ? Math.Max(k, FusionDepth) : k);
        if (!fuse) return bm25.Select(h => new KnowledgeIndexHit(_chunks[h.Ordinal], h.Score)).ToArray();

        var fused = new Dictionary<int, double>();
        for (var r = 0; r < bm25.Count; r++) fused[bm25[r].Ordinal] = 1.0 / (FusionK + r + 1);
        var cosine = CosineRanking(queryEmbedding!, Math.Max(k, FusionDepth));
        for (var r = 0; r < cosine.Count; r++) fused[cosine[r]] = fused.GetValueOrDefault(cosine[r]) + 1.0 / (FusionK + r + 1);
        return fused.OrderByDescending(p => p.Value).ThenBy(p => p.Key).Take(k)
            .Select(p => new KnowledgeIndexHit(_chunks[p.Key], p.Value)).ToArray();
    }

    /// <summary>The words of <paramref name="text"/> as the index sees them (lower case, stemmed, without stop words).</summary>
    public static IReadOnlyList<string> Terms(string text)
    {
        var terms = new List<string>();
        using var stream = Analyzer.GetTokenStream(TextField, new StringReader(text));
        var term = stream.AddAttribute<ICharTermAttribute>();
        stream.Reset();
        while (stream.IncrementToken()) terms.Add(term.ToString());
        stream.End();
        return terms;
    }

    private List<(int Ordinal, double Score)> Bm25Ranking(string query, int n)
    {
        var terms = Terms(query).Distinct(StringComparer.Ordinal).Take(MaxQueryTerms).ToList();
        if (terms.Count == 0) return [];
        var boolean = new BooleanQuery();
        foreach (var t in terms) boolean.Add(new TermQuery(new Term(TextField, t)), Occur.SHOULD);
        var top = _searcher.Search(boolean, n);
        return top.ScoreDocs.Select(d => (_searcher.Doc(d.Doc).GetField(OrdinalField).GetInt32Value()!.Value, (double)d.Score)).ToList();
    }

    private List<int> CosineRanking(float[] query, int n)
    {
        var queryNorm = Norm(query);
        var scored = new (int Ordinal, double Score)[_chunks.Count];
        for (var i = 0; i < _chunks.Count; i++)
        {
            var e = _chunks[i].Embedding!;
            scored[i] = (i, Dot(e, query) / (Norm(e) * queryNorm + 1e-9));
        }
        return scored.OrderByDescending(s => s.Score).ThenBy(s => s.Ordinal).Take(n).Select(s => s.Ordinal).ToList();
    }

    private static double Norm(float[] v) => Math.Sqrt(Dot(v, v));

    private static double Dot(float[] a, float[] b)
    {
        var sum = 0.0;
        for (var i = 0; i < Math.Min(a.Length, b.Length); i++) sum += a[i] * b[i];
        return sum;
    }
}
