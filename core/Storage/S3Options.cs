using System.ComponentModel.DataAnnotations;

namespace VoiceAgents.Core.Storage;

public sealed class S3Options
{
    public const string Section = "S3";

    /// <summary>Endpoint of MinIO or any S3; empty means AWS itself.</summary>
    public string? ServiceUrl { get; set; }
    [Required] public string Bucket { get; set; } = "voiceagents";
    public string? AccessKey { get; set; }
    public string? SecretKey { get; set; }
    public string Region { get; set; } = "us-east-1";
    public TimeSpan PresignedUrlLifetime { get; set; } = TimeSpan.FromMinutes(15);
}
