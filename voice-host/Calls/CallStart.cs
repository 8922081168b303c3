using System.Diagnostics;
using System.Net.WebSockets;
using Microsoft.Extensions.Options;
using MongoDB.Bson;
using VoiceAgents.Core.Domain;
using VoiceAgents.Core.Telemetry;

namespace VoiceAgents.VoiceHost.Calls;

/// <summary>What a transport knows of a call as it starts. A null <paramref name="CallId"/> gets a new one.</summary>
public sealed record CallStart(string? CallId, string TenantId, int OutputRate, string? CampaignId, string? PhoneNumber, int Attempt = 1);
