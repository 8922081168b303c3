using System.Net;
using System.Text.Json.Nodes;

namespace VoiceAgents.Tests.Infrastructure;

/// <summary>Assertions on RFC 9457 problem responses.</summary>
public static class Problems
{
    public static async Task<JsonNode> AssertProblem(HttpResponseMessage response, int status, string? field = null)
    {
        var body = await response.Content.ReadAsStringAsync();
        Assert.True((int)response.StatusCode == status, $"expected {status} but got {(int)response.StatusCode}: {body}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var node = JsonNode.Parse(body)!;
        Assert.Equal(status, node["status"]!.GetValue<int>());
        Assert.False(string.IsNullOrEmpty(node["title"]?.GetValue<string>()));
        if (field is not null)
        {
            var errors = node["errors"]?.AsObject();
            Assert.True(errors is not null && errors.ContainsKey(field), $"expected an error for '{field}' in {body}");
        }
        return node;
    }

    public static Task<JsonNode> AssertNotFound(HttpResponseMessage response) => AssertProblem(response, (int)HttpStatusCode.NotFound);
}
