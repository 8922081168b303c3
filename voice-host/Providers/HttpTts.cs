using System.Net.Http.Json;
using System.Text.Json;
using VoiceAgents.VoiceHost.Audio;

namespace VoiceAgents.VoiceHost.Providers;

/// <summary>Shared plumbing of the text-to-speech providers that answer one JSON request with a whole clip.</summary>
public static class HttpTts
{
    /// <summary>
    /// POSTs <paramref name="body"/> as JSON and parses the JSON reply under <paramref name="deadline"/>. A non-2xx
    /// status, a network failure, a reply cut short or the deadline passing become a <see cref="ProviderException"/>
    /// (carrying the vendor's error message when the body has one).
    /// </summary>
    public static async Task<JsonDocument> PostJsonAsync(HttpClient http, string provider, Uri uri, object body,
        IReadOnlyDictionary<string, string>? headers, StreamDeadline deadline)
    {
        try
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, uri) { Content = JsonContent.Create(body) };
            foreach (var (name, value) in headers ?? new Dictionary<string, string>()) request.Headers.TryAddWithoutValidation(name, value);
            using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, deadline.Token);
            if (!response.IsSuccessStatusCode)
            {
                var error = await response.Content.ReadAsStringAsync(deadline.Token);
                throw new ProviderException(provider, $"HTTP {(int)response.StatusCode}: {VendorCall.ErrorMessage(error)}");
            }
            deadline.Extend();
            await using var stream = await response.Content.ReadAsStreamAsync(deadline.Token);
            return await JsonDocument.ParseAsync(stream, cancellationToken: deadline.Token);
        }
        catch (Exception e)
        {
            throw VendorCall.Failure(provider, e, deadline);
        }
    }

    /// <summary>Decodes base64 audio: a PCM16 WAV (its header gives the rate) or raw PCM16 at <paramref name="rawRate"/>.</summary>
    public static (short[] Samples, int SampleRate) DecodeAudio(string provider, string? base64, int rawRate)
    {
        if (string.IsNullOrEmpty(base64)) throw new ProviderException(provider, "the reply has no audio");
        byte[] bytes;
        try
        {
            bytes = Convert.FromBase64String(base64);
        }
        catch (FormatException e)
        {
            throw new ProviderException(provider, "the audio is not valid base64", e);
        }
        if (bytes.Length >= 12 && bytes.AsSpan(0, 4).SequenceEqual("RIFF"u8))
        {
            try
            {
                return Wav.Read(bytes);
            }
            catch (InvalidDataException e)
            {
                throw new ProviderException(provider, $"unreadable WAV: {e.Message}", e);
            }
        }
        var chunk = AudioChunk.FromBytes(bytes, rawRate);
        return (chunk.Samples.ToArray(), rawRate);
    }

    /// <summary>Cuts a clip into 20 ms chunks.</summary>
    public static IEnumerable<AudioChunk> Chunks(short[] samples, int sampleRate)
    {
        var size = Math.Max(1, sampleRate / 50);
        for (var i = 0; i < samples.Length; i += size)
        {
            yield return new AudioChunk(samples.AsMemory(i, Math.Min(size, samples.Length - i)), sampleRate);
        }
    }

    /// <summary>The primary language subtag of a BCP-47 tag: <c>hi-IN</c> → <c>hi</c>.</summary>
    public static string PrimaryLanguage(string? language, string fallback)
    {
        if (string.IsNullOrWhiteSpace(language)) return fallback;
        var dash = language.IndexOfAny(['-', '_']);
        return (dash > 0 ? language[..dash] : language).ToLowerInvariant();
    }
}
