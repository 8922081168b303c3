namespace VoiceAgents.VoiceHost.Processors;

/// <summary>
/// Words after which a caller who pauses is taken to go on: hesitations ("um"), conjunctions ("and", "so"),
/// articles and prepositions ("the", "to"), and number words (a phone number or an amount being spoken). Any word
/// with a digit holds too. English is the real list; Hindi, Marathi and Telugu have a few common ones.
/// </summary>
public static class HoldWords
{
    private static readonly string[] English =
    [
        // hesitations
        "um", "umm", "uh", "uhh", "er", "erm", "ah", "hmm", "mm", "like",
        // conjunctions and words that open a clause
        "and", "but", "or", "so", "because", "cause", "if", "then", "that", "which", "who", "when", "while", "although",
        "unless", "until", "than", "whether", "plus", "also",
        // articles, determiners, possessives ("her" and "this" end sentences too often: "call her", "I want this")
        "the", "a", "an", "my", "your", "our", "their", "his", "its", "these", "those", "some",
        // prepositions
        "to", "of", "in", "on", "at", "for", "with", "from", "by", "about", "into", "onto", "between", "per",
        // openings that need what follows; not the auxiliaries, which end short answers ("yes I do", "it is")
        "i'm", "it's", "i", "we", "want", "need", "let's",
        // numbers
        "zero", "oh", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven", "twelve",
        "thirteen", "fourteen", "fifteen", "sixteen", "seventeen", "eighteen", "nineteen", "twenty", "thirty", "forty",
        "fifty", "sixty", "seventy", "eighty", "ninety", "hundred", "thousand", "million", "point", "double", "triple",
    ];

    private static readonly string[] Hindi = ["और", "तो", "कि", "लेकिन", "या", "क्योंकि", "अं", "उम्म", "मतलब"];
    private static readonly string[] Marathi = ["आणि", "तर", "की", "पण", "किंवा", "कारण", "म्हणजे"];
    private static readonly string[] Telugu = ["మరియు", "కానీ", "అంటే", "లేదా", "ఎందుకంటే"];

    /// <summary>The list for a BCP 47 language ("en-US", "hi-IN"); English when the language has none.</summary>
    public static IReadOnlyList<string> For(string? language) => (language ?? "en").Split('-')[0].ToLowerInvariant() switch
    {
        "hi" => Hindi,
        "mr" => Marathi,
        "te" => Telugu,
        _ => English,
    };
}
