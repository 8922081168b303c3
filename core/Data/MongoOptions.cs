using System.ComponentModel.DataAnnotations;

namespace VoiceAgents.Core.Data;

public sealed class MongoOptions
{
    public const string Section = "Mongo";

    [Required] public string ConnectionString { get; set; } = "mongodb://127.0.0.1:27017";
    [Required] public string Database { get; set; } = "voiceagents";

    /// <summary>How long an operation waits for a usable server: short, so a database that is down fails fast.</summary>
    public TimeSpan ServerSelectionTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// The TCP connect timeout, which the driver also uses as its heartbeat timeout: a server that does not answer a
    /// heartbeat within it is marked unknown and its in-use connections are closed. Raise it only for a server that
    /// may stall longer (the single-threaded local stand-in under a benchmark).
    /// </summary>
    public TimeSpan ConnectTimeout { get; set; } = TimeSpan.FromSeconds(5);
}
