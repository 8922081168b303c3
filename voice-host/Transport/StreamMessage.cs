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

/// <summary>A Media Streams message from Twilio (camelCase JSON).</summary>
public sealed class StreamMessage
{
    public string? Event { get; set; }
    public string? StreamSid { get; set; }
    public StartInfo? Start { get; set; }
    public MediaInfo? Media { get; set; }
    public MarkInfo? Mark { get; set; }
    public DtmfInfo? Dtmf { get; set; }
}
