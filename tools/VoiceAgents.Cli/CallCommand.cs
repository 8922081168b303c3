using System.Buffers.Binary;
using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json;
using NAudio.Wave;

namespace VoiceAgents.Cli;

/// <summary>
/// <c>call</c>: talks to an agent from the command line. Logs in through the API, calls the agent over
/// /ws with a WAV file as the caller's voice, saves the reply audio and prints the transcript and turn metrics.
/// </summary>
public static class CallCommand
{
    public const int Success = 0;
    public const int Failure = 1;
    public const int BadArguments = 2;
    public const int AuthRefused = 3;
    public const int AgentNotFound = 4;

    /// <summary>Runs the command with the arguments after <c>call</c>; returns the process exit code.</summary>
    public static async Task<int> RunAsync(IReadOnlyList<string> args, TextWriter output, TextWriter error, CancellationToken ct = default)
    {
        if (args.Count == 0 || args.Any(a => a is "-h" or "--help"))
        {
            (args.Count == 0 ? error : output).WriteLine(CallOptions.Usage);
            return args.Count == 0 ? BadArguments : Success;
        }
        var (options, problem) = CallOptions.Parse(args, Environment.GetEnvironmentVariable);
        if (options is null)
        {
            error.WriteLine($"call: {problem}");
            error.WriteLine("call: see 'VoiceAgents.Cli call --help'");
            return BadArguments;
        }

        short[] samples;
        int rate;
        try
        {
            (samples, rate) = ReadWav(await File.ReadAllBytesAsync(options.WavPath, ct));
        }
        catch (Exception e) when (e is IOException or InvalidDataException or FormatException or UnauthorizedAccessException or ArgumentException)
        {
            error.WriteLine($"call: cannot read {options.WavPath}: {e.Message}");
            return BadArguments;
        }
        if (rate is < 8000 or > 48000)
        {
            error.WriteLine($"call: {options.WavPath} is at {rate} Hz; voice-host takes 8000 to 48000 Hz");
            return BadArguments;
        }
        if (samples.Length == 0)
        {
            error.WriteLine($"call: {options.WavPath} holds no audio");
            return BadArguments;
        }

        try
        {
            var token = options.Token ?? await LoginAsync(options, ct);
            await using var call = new CliCall(options, output, error);
            var result = await call.RunAsync(token, samples, rate, ct);
            await SaveAsync(options.OutPath, call.ReplyAudio, call.OutputSampleRate, ct);
            var seconds = call.ReplyAudio.Length / 2.0 / call.OutputSampleRate;
            output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"reply: {seconds:F2} s of audio at {call.OutputSampleRate} Hz saved to {options.OutPath}"));
            return result;
        }
        catch (CliFailure f)
        {
            error.WriteLine($"call: {f.Message}");
            return f.ExitCode;
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            error.WriteLine("call: cancelled");
            return Failure;
        }
    }

    private static async Task<string> LoginAsync(CallOptions options, CancellationToken ct)
    {
        var url = new Uri(options.Api.ToString().TrimEnd('/') + "/auth/login");
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(15) };
        HttpResponseMessage response;
        try
        {
            response = await http.PostAsJsonAsync(url, new { email = options.Email, password = options.Password }, ct);
        }
        catch (HttpRequestException e)
        {
            throw new CliFailure(Failure, $"cannot reach the API at {url}: {e.Message}");
        }
        catch (TaskCanceledException) when (!ct.IsCancellationRequested)
        {
            throw new CliFailure(Failure, $"the API at {url} did not answer within 15 s");
        }
        using (response)
        {
            var body = await response.Content.ReadAsStringAsync(ct);
            if (!response.IsSuccessStatusCode)
            {
                var code = (int)response.StatusCode;
                throw new CliFailure(code is 400 or 401 or 403 or 429 ? AuthRefused : Failure, $"login failed ({code}): {Problem(body)}");
            }
            try
            {
                using var json = JsonDocument.Parse(body);
                if (json.RootElement.TryGetProperty("access_token", out var t) && t.GetString() is { Length: > 0 } token) return token;
            }
            catch (JsonException)
            {
            }
            throw new CliFailure(Failure, $"the API's login answer has no access_token: {Problem(body)}");
        }
    }

    /// <summary>The message of an RFC 9457 problem, or the start of whatever else the body is.</summary>
    private static string Problem(string body)
    {
        try
        {
            using var json = JsonDocument.Parse(body);
            var root = json.RootElement;
            if (root.ValueKind == JsonValueKind.Object)
            {
                if (root.TryGetProperty("detail", out var d) && d.ValueKind == JsonValueKind.String) return d.GetString()!;
                if (root.TryGetProperty("title", out var t) && t.ValueKind == JsonValueKind.String) return t.GetString()!;
            }
        }
        catch (JsonException)
        {
        }
        return body.Length > 200 ? body[..200] + "…" : body;
    }

    /// <summary>A PCM16 WAV's samples (mono, or the first channel of several) and rate.</summary>
    private static (short[] Samples, int Rate) ReadWav(byte[] file)
    {
        using var reader = new WaveFileReader(new MemoryStream(file));
        var format = reader.WaveFormat;
        if (format.Encoding is not (WaveFormatEncoding.Pcm or WaveFormatEncoding.Extensible) || format.BitsPerSample != 16)
        {
            throw new InvalidDataException("Only PCM16 WAV is supported.");
        }
        var data = new byte[reader.Length];
        data = data[..reader.Read(data, 0, data.Length)];
        var frames = data.Length / (2 * format.Channels);
        var samples = new short[frames];
        for (var i = 0; i < frames; i++) samples[i] = BinaryPrimitives.ReadInt16LittleEndian(data.AsSpan(i * 2 * format.Channels));
        return (samples, format.SampleRate);
    }

    private static async Task SaveAsync(string path, byte[] pcm, int rate, CancellationToken ct)
    {
        var folder = Path.GetDirectoryName(Path.GetFullPath(path));
        if (folder is not null) Directory.CreateDirectory(folder);
        await using var file = new WaveFileWriter(path, new WaveFormat(rate, 16, 1));
        await file.WriteAsync(pcm, ct);
    }
}
