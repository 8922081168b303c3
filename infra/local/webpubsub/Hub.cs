using System.Collections.Concurrent;
using System.Text.Json.Nodes;

namespace VoiceAgents.WebPubSubLocal;

/// <summary>A message on its way to clients: its data type (json, text or binary), the data as the JSON subprotocol carries it, and the raw bytes for raw clients.</summary>
public sealed record OutgoingMessage(string DataType, JsonNode? Data, byte[] Raw);

/// <summary>The hubs of the stand-in, made on first use as the service does.</summary>
public sealed class Hubs
{
    private readonly ConcurrentDictionary<string, Hub> _hubs = new(StringComparer.OrdinalIgnoreCase);

    public Hub Get(string name) => _hubs.GetOrAdd(name, n => new Hub(n));
}

/// <summary>One hub: its connections and their groups.</summary>
public sealed class Hub(string name)
{
    private readonly Lock _gate = new();
    private readonly HashSet<ClientConnection> _connections = [];
    private readonly Dictionary<string, HashSet<ClientConnection>> _groups = new(StringComparer.Ordinal);

    public string Name { get; } = name;

    public void Add(ClientConnection connection, IEnumerable<string> groups)
    {
        lock (_gate)
        {
            _connections.Add(connection);
            foreach (var group in groups) JoinLocked(connection, group);
        }
    }

    public void Remove(ClientConnection connection)
    {
        lock (_gate)
        {
            _connections.Remove(connection);
            foreach (var members in _groups.Values) members.Remove(connection);
        }
    }

    public void Join(ClientConnection connection, string group)
    {
        lock (_gate) JoinLocked(connection, group);
    }

    public void Leave(ClientConnection connection, string group)
    {
        lock (_gate)
        {
            if (_groups.TryGetValue(group, out var members)) members.Remove(connection);
        }
    }

    public bool InGroup(ClientConnection connection, string group)
    {
        lock (_gate) return _groups.TryGetValue(group, out var members) && members.Contains(connection);
    }

    public void SendToGroup(string group, OutgoingMessage message, string? fromUserId, IReadOnlySet<string> excludedConnections)
    {
        ClientConnection[] members;
        lock (_gate) members = _groups.TryGetValue(group, out var set) ? [.. set] : [];
        foreach (var member in members)
        {
            if (!excludedConnections.Contains(member.ConnectionId)) member.Deliver(message, group, fromUserId);
        }
    }

    public void SendToAll(OutgoingMessage message, IReadOnlySet<string> excludedConnections)
    {
        ClientConnection[] all;
        lock (_gate) all = [.. _connections];
        foreach (var connection in all)
        {
            if (!excludedConnections.Contains(connection.ConnectionId)) connection.Deliver(message, null, null);
        }
    }

    /// <summary>Closes every connection of the user (but the excluded ones) and returns once each has closed or given up.</summary>
    public Task CloseUserConnectionsAsync(string userId, string? reason, IReadOnlySet<string> excludedConnections)
    {
        ClientConnection[] theirs;
        lock (_gate) theirs = [.. _connections.Where(c => c.UserId == userId && !excludedConnections.Contains(c.ConnectionId))];
        return Task.WhenAll(theirs.Select(c => c.CloseAsync(reason)));
    }

    private void JoinLocked(ClientConnection connection, string group)
    {
        if (!_groups.TryGetValue(group, out var members)) _groups[group] = members = new HashSet<ClientConnection>();
        members.Add(connection);
    }
}
