using Amazon.Runtime;
using Amazon.S3;
using Amazon.S3.Model;
using Amazon.S3.Transfer;
using Microsoft.Extensions.Options;

namespace VoiceAgents.Core.Storage;

/// <summary>Recordings and transcripts in S3 (MinIO locally).</summary>
public interface IObjectStore
{
    Task PutAsync(string key, Stream content, string contentType, CancellationToken ct);

    /// <summary>Uploads a file, in parts (multipart upload) once it reaches <see cref="S3Options.MultipartThreshold"/>.</summary>
    Task UploadFileAsync(string key, string path, string contentType, CancellationToken ct);
    Task<Stream?> GetAsync(string key, CancellationToken ct);

    /// <summary>Removes an object; a key that holds none is not an error.</summary>
    Task DeleteAsync(string key, CancellationToken ct);
    string GetDownloadUrl(string key);
    Task EnsureBucketAsync(CancellationToken ct);
    Task PingAsync(CancellationToken ct);
}

public sealed class S3ObjectStore : IObjectStore, IDisposable
{
    private readonly S3Options _options;
    private readonly AmazonS3Client _client;
    private readonly TimeProvider _time;

    public S3ObjectStore(IOptions<S3Options> options, TimeProvider time)
    {
        _options = options.Value;
        _time = time;
        var config = new AmazonS3Config
        {
            ForcePathStyle = true,
            AuthenticationRegion = _options.Region,
            Timeout = TimeSpan.FromSeconds(30),
            MaxErrorRetry = 2,
            // Pre-signed URLs must last exactly the configured lifetime; a skew "correction" learned from a
            // server's second-resolution Date header would stretch them by a second.
            DisableClockSkewCorrection = true,
        };
        if (!string.IsNullOrEmpty(_options.ServiceUrl))
        {
            config.ServiceURL = _options.ServiceUrl;
            config.UseHttp = _options.ServiceUrl.StartsWith("http://", StringComparison.OrdinalIgnoreCase);
        }
        else
        {
            config.RegionEndpoint = Amazon.RegionEndpoint.GetBySystemName(_options.Region);
        }
        _client = string.IsNullOrEmpty(_options.AccessKey)
            ? new AmazonS3Client(config)
            : new AmazonS3Client(new BasicAWSCredentials(_options.AccessKey, _options.SecretKey), config);
    }

    public IAmazonS3 Client => _client;
    public string Bucket => _options.Bucket;

    public async Task PutAsync(string key, Stream content, string contentType, CancellationToken ct)
    {
        await _client.PutObjectAsync(new PutObjectRequest
        {
            BucketName = _options.Bucket,
            Key = key,
            InputStream = content,
            ContentType = contentType,
            AutoCloseStream = false,
        }, ct);
    }

    public async Task UploadFileAsync(string key, string path, string contentType, CancellationToken ct)
    {
        // TransferUtility leaves a client it was given undisposed.
        using var transfer = new TransferUtility(_client, new TransferUtilityConfig { MinSizeBeforePartUpload = _options.MultipartThreshold });
        await transfer.UploadAsync(new TransferUtilityUploadRequest
        {
            BucketName = _options.Bucket,
            Key = key,
            FilePath = path,
            ContentType = contentType,
            PartSize = _options.MultipartPartSize,
        }, ct);
    }

    public async Task<Stream?> GetAsync(string key, CancellationToken ct)
    {
        try
        {
            var response = await _client.GetObjectAsync(_options.Bucket, key, ct);
            return response.ResponseStream;
        }
        catch (AmazonS3Exception e) when (e.StatusCode == System.Net.HttpStatusCode.NotFound)
        {
            return null;
        }
    }

    public Task DeleteAsync(string key, CancellationToken ct) => _client.DeleteObjectAsync(_options.Bucket, key, ct);

    public string GetDownloadUrl(string key) => _client.GetPreSignedURL(new GetPreSignedUrlRequest
    {
        BucketName = _options.Bucket,
        Key = key,
        Verb = HttpVerb.GET,
        Expires = _time.GetUtcNow().UtcDateTime + _options.PresignedUrlLifetime,
        Protocol = string.IsNullOrEmpty(_options.ServiceUrl) || _options.ServiceUrl.StartsWith("https", StringComparison.OrdinalIgnoreCase)
            ? Protocol.HTTPS
            : Protocol.HTTP,
    });

    public async Task EnsureBucketAsync(CancellationToken ct)
    {
        try
        {
            await _client.PutBucketAsync(new PutBucketRequest { BucketName = _options.Bucket }, ct);
        }
        catch (AmazonS3Exception e) when (e.ErrorCode is "BucketAlreadyOwnedByYou" or "BucketAlreadyExists")
        {
        }
    }

    public Task PingAsync(CancellationToken ct) =>
        _client.ListObjectsV2Async(new ListObjectsV2Request { BucketName = _options.Bucket, MaxKeys = 1 }, ct);

    public void Dispose() => _client.Dispose();
}
