using System.Buffers;
using System.Collections.Concurrent;
using System.Globalization;
using System.Net.WebSockets;
using System.Text.Json.Serialization;
using System.Text.Json;
using System.Threading.Channels;
using Microsoft.Extensions.Options;
using MongoDB.Driver;
using VoiceAgents.Core.Data;
using VoiceAgents.Core.Domain;
using VoiceAgents.Core.Telephony;

namespace VoiceAgents.VoiceHost.Transport;

public sealed class StartInfo
{
    public string? StreamSid { get; set; }
    public string? AccountSid { get; set; }
    public string? CallSid { get; set; }
    public Dictionary<string, string>? CustomParameters { get; set; }

    /// <summary>Kept as JSON so a field of the wrong type is reported, not a reason to drop the message.</summary>
    public JsonElement? MediaFormat { get; set; }
}
