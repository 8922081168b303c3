using System.ComponentModel.DataAnnotations;

namespace VoiceAgents.Core.Data;

public sealed class MongoOptions
{
    public const string Section = "Mongo";

    [Required] public string ConnectionString { get; set; } = "mongodb://127.0.0.1:27017";
    [Required] public string Database { get; set; } = "voiceagents";
}
