using VoiceAgents.VoiceHost.Audio;

namespace VoiceAgents.VoiceHost.Providers;

/// <summary>The audio side of the text-to-speech providers that answer one request with a whole clip (the HTTP side is <see cref="VendorHttp"/>).</summary>
public static class HttpTts
{
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
