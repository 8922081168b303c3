using System.Diagnostics;
using System.Globalization;
using System.Text;
using VoiceAgents.Client;
using VoiceAgents.Core.Auth;
using VoiceAgents.Core.Data;
using VoiceAgents.Core.Domain;

namespace VoiceAgents.Bench.Voice.Run;

/// <summary>
/// The cost of authenticating at <c>/ws</c> with a call token (one guarded findOneAndUpdate that redeems it) against
/// a member's JWT (signature check and a cached token-version read), measured in one run against one voice-host:
/// the time from the open socket's auth message to voice-host's <c>ready</c>, the two kinds interleaved so that load
/// on the machine falls on both alike. Everything after the credential check (agent read, call start) is the same.
/// </summary>
public static class CallAuthBench
{
    public static async Task<string> RunAsync(
        Uri ws, string agentId, TokenIdentity identity, MongoContext db, Func<string> memberToken, int attempts, Action<string> log, CancellationToken ct)
    {
        var jwt = new List<double>(attempts);
        var callToken = new List<double>(attempts);
        for (var i = 0; i < attempts; i++)
        {
            jwt.Add(await AttemptAsync(ws, agentId, memberToken(), ct));
            callToken.Add(await AttemptAsync(ws, agentId, await NewCallTokenAsync(db, identity, agentId, ct), ct));
            if ((i + 1) % 50 == 0) log($"call-auth: {i + 1}/{attempts} of each");
        }
        return Markdown(attempts, jwt, callToken);
    }

    /// <summary>A call token as <c>POST /api/agents/{id}/web-calls</c> stores it; making it is not part of the auth cost.</summary>
    private static async Task<string> NewCallTokenAsync(MongoContext db, TokenIdentity identity, string agentId, CancellationToken ct)
    {
        var token = OpaqueSecret.New(CallToken.Prefix);
        var now = DateTime.UtcNow;
        await db.CallTokens.InsertOneAsync(new CallToken
        {
            Id = Ids.New(),
            TenantId = identity.TenantId,
            AgentId = agentId,
            TokenHash = OpaqueSecret.Hash(token),
            CreatedBy = identity.UserId,
            CreatedAt = now,
            ExpiresAt = now.AddMinutes(5),
        }, cancellationToken: ct);
        return token;
    }

    private static async Task<double> AttemptAsync(Uri ws, string agentId, string token, CancellationToken ct)
    {
        await using var call = new VoiceCallClient();
        await call.ConnectAsync(ws, ct);
        var clock = Stopwatch.StartNew();
        await call.AuthenticateAsync(token, agentId, ct: ct);
        var ms = clock.Elapsed.TotalMilliseconds;
        await call.EndAsync(ct: ct);
        return ms;
    }

    private static double Percentile(List<double> sorted, double p) => sorted[Math.Min(sorted.Count - 1, (int)Math.Ceiling(p * sorted.Count) - 1)];

    private static string Markdown(int attempts, List<double> jwt, List<double> callToken)
    {
        jwt.Sort();
        callToken.Sort();
        string Row(string name, List<double> s) => string.Format(CultureInfo.InvariantCulture,
            "| {0} | {1} | {2:F1} | {3:F1} | {4:F1} | {5:F1} |", name, s.Count, s[0], Percentile(s, 0.5), Percentile(s, 0.99), s[^1]);
        var md = new StringBuilder();
        md.AppendLine("# Auth cost at /ws: call token vs member JWT");
        md.AppendLine();
        md.AppendLine(CultureInfo.InvariantCulture, $"Run {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC on {Environment.ProcessorCount} cores, load average {string.Join(" ", Machine.LoadAverage())}, by `dotnet run --project bench/Voice -c Release -- call-auth {attempts}`.");
        md.AppendLine("One voice-host process on the bench's own local stack (CongoDB); each attempt opens a socket, sends the auth message,");
        md.AppendLine("waits for `ready` and ends the call. Time is from sending the auth message to `ready`; the two kinds alternate.");
        md.AppendLine("The call token's check is one findOneAndUpdate (unused, unexpired, for this agent) that marks it used; the member");
        md.AppendLine("JWT's is an HS256 signature check and the user's token version, cached for 2 s. The rest (agent read, call start) is shared.");
        md.AppendLine();
        md.AppendLine("| credential | attempts | min ms | median ms | p99 ms | max ms |");
        md.AppendLine("|---|---|---|---|---|---|");
        md.AppendLine(Row("member JWT", jwt));
        md.AppendLine(Row("call token", callToken));
        md.AppendLine();
        md.AppendLine(string.Format(CultureInfo.InvariantCulture, "Median difference (call token minus JWT): {0:F1} ms.", Percentile(callToken, 0.5) - Percentile(jwt, 0.5)));
        return md.ToString();
    }
}
