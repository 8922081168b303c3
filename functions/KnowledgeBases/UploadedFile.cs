using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Net.Http.Headers;
using VoiceAgents.Core.Errors;

namespace VoiceAgents.Functions.KnowledgeBases;

/// <summary>
/// The <c>file</c> field of a <c>multipart/form-data</c> request, streamed to a temporary file that is deleted on
/// dispose. The size limit is counted while reading, so an oversized upload is refused once the limit is passed,
/// without holding it in memory and whether or not the client sent a Content-Length.
/// </summary>
public sealed class UploadedFile : IAsyncDisposable
{
    public const string Field = "file";

    // Room for the multipart boundaries and part headers around a file of the largest size.
    private const long EnvelopeBytes = 64 * 1024;

    private UploadedFile(string fileName, string? contentType, FileStream content)
    {
        FileName = fileName;
        ContentType = contentType;
        Content = content;
    }

    /// <summary>The file's name as the client gave it, without any directory part.</summary>
    public string FileName { get; }

    /// <summary>The part's own Content-Type, if it had one.</summary>
    public string? ContentType { get; }

    /// <summary>The file's bytes, positioned at the start.</summary>
    public FileStream Content { get; }

    public long Length => Content.Length;

    public static async Task<UploadedFile> ReadAsync(HttpRequest request, long maxBytes, CancellationToken ct)
    {
        if (request.ContentLength > maxBytes + EnvelopeBytes) throw TooLarge(maxBytes);
        if (!MediaTypeHeaderValue.TryParse(request.ContentType, out var media) || !media.MediaType.Equals("multipart/form-data", StringComparison.OrdinalIgnoreCase))
        {
            throw new UnsupportedMediaTypeException(request.ContentType, "multipart/form-data");
        }
        var boundary = HeaderUtilities.RemoveQuotes(media.Boundary).Value;
        if (string.IsNullOrEmpty(boundary)) throw new ValidationException("$", "The multipart/form-data Content-Type has no boundary.");

        // Our own count enforces the limit (as a 413); the reader's would throw the same InvalidDataException as a malformed body.
        var reader = new MultipartReader(boundary, request.Body) { BodyLengthLimit = null };
        try
        {
            while (await reader.ReadNextSectionAsync(ct) is { } section)
            {
                if (!ContentDispositionHeaderValue.TryParse(section.ContentDisposition, out var disposition)
                    || !disposition.IsFileDisposition() || HeaderUtilities.RemoveQuotes(disposition.Name).Value != Field)
                {
                    await CopyAsync(section.Body, Stream.Null, maxBytes, ct);
                    continue;
                }
                var file = Temporary();
                try
                {
                    await CopyAsync(section.Body, file, maxBytes, ct);
                    file.Position = 0;
                    return new UploadedFile(NameOf(disposition), section.ContentType, file);
                }
                catch
                {
                    await file.DisposeAsync();
                    throw;
                }
            }
        }
        catch (InvalidDataException e)
        {
            throw new ValidationException("$", $"The multipart/form-data body is malformed: {e.Message}");
        }
        catch (IOException e) when (e is not FileNotFoundException && request.HttpContext.RequestAborted.IsCancellationRequested)
        {
            throw new OperationCanceledException("The client went away during the upload.", e, ct);
        }
        throw new ValidationException(Field, $"is required: send the document as the multipart/form-data file field '{Field}'.");
    }

    public ValueTask DisposeAsync() => Content.DisposeAsync();

    private static async Task CopyAsync(Stream from, Stream to, long maxBytes, CancellationToken ct)
    {
        var buffer = new byte[81920];
        long total = 0;
        int read;
        while ((read = await from.ReadAsync(buffer, ct)) > 0)
        {
            total += read;
            if (total > maxBytes) throw TooLarge(maxBytes);
            await to.WriteAsync(buffer.AsMemory(0, read), ct);
        }
    }

    private static string NameOf(ContentDispositionHeaderValue disposition)
    {
        var raw = HeaderUtilities.RemoveQuotes(disposition.FileNameStar.HasValue ? disposition.FileNameStar : disposition.FileName).Value ?? "";
        // Only the last segment: a browser may send a path, and the name is shown, never used as one.
        var name = raw.Replace('\\', '/').Split('/')[^1].Trim();
        if (name.Length > 255) name = name[..255];
        return name.Length > 0 ? name : "document";
    }

    private static FileStream Temporary() => new(
        Path.Combine(Path.GetTempPath(), $"voiceagents-upload-{Guid.NewGuid():N}"), FileMode.CreateNew, FileAccess.ReadWrite, FileShare.None, 81920,
        FileOptions.DeleteOnClose | FileOptions.Asynchronous);

    private static PayloadTooLargeException TooLarge(long maxBytes) => new(maxBytes, "A document");
}
