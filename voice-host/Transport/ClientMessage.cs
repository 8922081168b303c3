using System.Buffers;
using System.Net.WebSockets;
using System.Text.Json;
using Microsoft.Extensions.Options;
using MongoDB.Driver;
using VoiceAgents.Core.Auth;
using VoiceAgents.Core.Data;
using VoiceAgents.Core.Domain;

namespace VoiceAgents.VoiceHost.Transport;

public sealed record ClientMessage(string? Type, string? Data);
