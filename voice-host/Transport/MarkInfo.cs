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

public sealed class MarkInfo
{
    public string? Name { get; set; }
}
