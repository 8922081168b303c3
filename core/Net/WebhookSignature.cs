using System.Globalization;
using System.Security.Cryptography;
using System.Text;

using VoiceAgents.Core.Auth;

namespace VoiceAgents.Core.Net;

/// <summary>
/// The <c>X-Signature</c> header of a webhook delivery or an agent's HTTP tool request, signed as Stripe signs:
/// <c>t=&lt;unix seconds&gt;,v1=&lt;hex HMAC-SHA256(secret, "&lt;t&gt;.&lt;body&gt;")&gt;</c>. The HMAC key is the whole
/// secret string in UTF-8, <c>whsec_</c> prefix included; the body is the raw request body, byte for byte.
/// A receiver recomputes the HMAC over what it received, compares in constant time and refuses a timestamp outside
/// its tolerance, so a captured delivery cannot be replayed later (<see cref="Verify"/>).
/// </summary>
public static class WebhookSignature
{
    public const string Header = "X-Signature";
    public const string SecretPrefix = "whsec_";

    /// <summary>How far a signature's timestamp may be from the receiver's clock.</summary>
    public static readonly TimeSpan DefaultTolerance = TimeSpan.FromMinutes(5);

    /// <summary>A new secret: <c>whsec_</c> and 32 random bytes in base64url.</summary>
    public static string NewSecret() => OpaqueSecret.New(SecretPrefix);

    /// <summary>The header value for <paramref name="body"/> signed at <paramref name="at"/>.</summary>
    public static string Sign(string secret, DateTimeOffset at, ReadOnlySpan<byte> body)
    {
        var timestamp = at.ToUnixTimeSeconds();
        return $"t={timestamp.ToString(CultureInfo.InvariantCulture)},v1={Convert.ToHexStringLower(Hmac(secret, timestamp, body))}";
    }

    /// <summary>
    /// Whether <paramref name="header"/> carries a valid signature of <paramref name="body"/> by <paramref name="secret"/>,
    /// made within <paramref name="tolerance"/> of <paramref name="now"/>. Any one of several <c>v1</c> values may match.
    /// </summary>
    public static bool Verify(string? header, ReadOnlySpan<byte> body, string secret, DateTimeOffset now, TimeSpan? tolerance = null)
    {
        if (string.IsNullOrEmpty(header) || string.IsNullOrEmpty(secret)) return false;
        long? timestamp = null;
        var candidates = new List<byte[]>();
        foreach (var part in header.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            var eq = part.IndexOf('=', StringComparison.Ordinal);
            if (eq <= 0) return false;
            var (key, value) = (part[..eq], part[(eq + 1)..]);
            if (key == "t")
            {
                if (timestamp is not null || !long.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var t)) return false;
                timestamp = t;
            }
            else if (key == "v1" && value.Length == 64)
            {
                try
                {
                    candidates.Add(Convert.FromHexString(value));
                }
                catch (FormatException)
                {
                }
            }
        }
        if (timestamp is not { } ts || candidates.Count == 0) return false;
        if (ts < DateTimeOffset.MinValue.ToUnixTimeSeconds() || ts > DateTimeOffset.MaxValue.ToUnixTimeSeconds()) return false;
        if ((now - DateTimeOffset.FromUnixTimeSeconds(ts)).Duration() > (tolerance ?? DefaultTolerance)) return false;

        var expected = Hmac(secret, ts, body);
        var match = false;
        foreach (var candidate in candidates) match |= CryptographicOperations.FixedTimeEquals(candidate, expected);
        return match;
    }

    private static byte[] Hmac(string secret, long timestamp, ReadOnlySpan<byte> body)
    {
        using var hmac = IncrementalHash.CreateHMAC(HashAlgorithmName.SHA256, Encoding.UTF8.GetBytes(secret));
        hmac.AppendData(Encoding.ASCII.GetBytes(timestamp.ToString(CultureInfo.InvariantCulture) + "."));
        hmac.AppendData(body);
        return hmac.GetHashAndReset();
    }
}
