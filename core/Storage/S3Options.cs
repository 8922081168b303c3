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

    /// <summary>Files from this size on are uploaded in parts (a multipart upload), default 16 MiB.</summary>
    [Range(1, long.MaxValue)] public long MultipartThreshold { get; set; } = 16 * 1024 * 1024;

    /// <summary>The size of each part; S3 wants at least 5 MiB for all but the last.</summary>
    [Range(5 * 1024 * 1024, 5L * 1024 * 1024 * 1024)] public long MultipartPartSize { get; set; } = 8 * 1024 * 1024;
}
