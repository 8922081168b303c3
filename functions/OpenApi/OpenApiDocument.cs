using System.Globalization;
using System.Reflection;
using System.Text.Json.Nodes;
using System.Text.Json.Schema;
using Microsoft.AspNetCore.Mvc;
using VoiceAgents.Core.Json;
using VoiceAgents.Functions.Infrastructure;

namespace VoiceAgents.Functions.OpenApi;

/// <summary>
/// Builds the OpenAPI 3.1 document from the code: routes and verbs from the trigger attributes, auth from
/// <c>[AllowAnonymous]</c>/<c>[Authorize]</c>, and body schemas from the request and response records as serialized.
/// </summary>
public static class OpenApiDocument
{
    public static JsonObject Build(FunctionCatalog catalog, string routePrefix)
    {
        var schemas = new JsonObject();
        var paths = new JsonObject();
        foreach (var f in catalog.Http.OrderBy(f => f.Route, StringComparer.Ordinal))
        {
            var meta = f.Method.GetCustomAttribute<OpenApiOperationAttribute>();
            var path = "/" + routePrefix.Trim('/') + "/" + RouteTemplate(f.Route);
            var item = paths[path] as JsonObject ?? new JsonObject();
            paths[path] = item;
            foreach (var verb in f.Verbs)
            {
                var op = new JsonObject
                {
                    ["operationId"] = f.Name,
                    ["tags"] = new JsonArray(meta?.Tag ?? "api"),
                    ["summary"] = meta?.Summary ?? f.Name,
                };
                var parameters = new JsonArray();
                foreach (var name in RouteParameters(f.Route))
                {
                    parameters.Add(new JsonObject { ["name"] = name, ["in"] = "path", ["required"] = true, ["schema"] = new JsonObject { ["type"] = "string" } });
                }
                foreach (var q in meta?.QueryParameters ?? [])
                {
                    var parts = q.Split(':', 3);
                    var schema = parts[1] switch
                    {
                        "integer" => new JsonObject { ["type"] = "integer" },
                        "date-time" => new JsonObject { ["type"] = "string", ["format"] = "date-time" },
                        "id" => new JsonObject { ["type"] = "string", ["pattern"] = "^[0-9a-f]{24}$" },
                        _ => new JsonObject { ["type"] = "string" },
                    };
                    parameters.Add(new JsonObject { ["name"] = parts[0], ["in"] = "query", ["description"] = parts.ElementAtOrDefault(2) ?? "", ["schema"] = schema });
                }
                if (parameters.Count > 0) op["parameters"] = parameters;
                if (meta?.Request is { } request)
                {
                    op["requestBody"] = new JsonObject
                    {
                        ["required"] = true,
                        ["content"] = new JsonObject { ["application/json"] = new JsonObject { ["schema"] = Ref(request, schemas) } },
                    };
                }
                if (meta?.MultipartFile is { } field)
                {
                    var form = new JsonObject
                    {
                        ["type"] = "object",
                        ["required"] = new JsonArray(field),
                        ["properties"] = new JsonObject { [field] = new JsonObject { ["type"] = "string", ["format"] = "binary" } },
                    };
                    op["requestBody"] = new JsonObject { ["required"] = true, ["content"] = new JsonObject { ["multipart/form-data"] = new JsonObject { ["schema"] = form } } };
                }
                var responses = new JsonObject();
                var ok = new JsonObject { ["description"] = "Success" };
                if (meta?.Response is { } response)
                {
                    ok["content"] = new JsonObject { ["application/json"] = new JsonObject { ["schema"] = Ref(response, schemas) } };
                }
                if (meta?.Produces is { Length: > 0 } produces)
                {
                    ok["content"] = new JsonObject(produces.Select(m => KeyValuePair.Create(m, (JsonNode?)new JsonObject { ["schema"] = new JsonObject { ["type"] = "string" } })));
                }
                responses[(meta?.Status ?? 200).ToString(System.Globalization.CultureInfo.InvariantCulture)] = ok;
                foreach (var (code, text) in ErrorsFor(f, meta))
                {
                    responses[code] = new JsonObject
                    {
                        ["description"] = text,
                        ["content"] = new JsonObject { ["application/problem+json"] = new JsonObject { ["schema"] = Ref(typeof(ProblemDetails), schemas) } },
                    };
                }
                op["responses"] = responses;
                if (f.Operator) op["security"] = new JsonArray(new JsonObject { ["operator"] = new JsonArray() });
                else if (!f.Anonymous)
                {
                    op["security"] = new JsonArray(new JsonObject { ["bearer"] = new JsonArray() });
                    // Who may call it (README "Roles"): every member, or only the roles named.
                    op["x-roles"] = new JsonArray([.. (f.Roles.Count > 0 ? f.Roles : Core.Domain.Roles.All).Select(r => (JsonNode)r)]);
                    // The scope an API key needs here (README "API keys and web calls"); none: members only.
                    if (f.ApiKeyScope is not null) op["x-api-key-scope"] = f.ApiKeyScope;
                }
                item[verb.ToLowerInvariant()] = op;
            }
        }
        return new JsonObject
        {
            ["openapi"] = "3.1.0",
            ["info"] = new JsonObject
            {
                ["title"] = "VoiceAgents API",
                ["version"] = typeof(OpenApiDocument).Assembly.GetName().Version?.ToString(3) ?? "1.0.0",
                ["description"] = "Multi-tenant voice-AI agents: auth, members, agents, campaigns, call logs, transcripts, analytics and usage. Bodies are snake_case JSON; errors are RFC 9457 problem details, an unknown route included (404), and a route's wrong method (405 with Allow).",
            },
            ["servers"] = new JsonArray(new JsonObject { ["url"] = "/" }),
            ["paths"] = paths,
            ["components"] = new JsonObject
            {
                ["schemas"] = schemas,
                ["securitySchemes"] = new JsonObject
                {
                    ["bearer"] = new JsonObject
                    {
                        ["type"] = "http", ["scheme"] = "bearer", ["bearerFormat"] = "JWT",
                        ["description"] = "A member's access token, or an API key (va_sk_…) on the operations with an x-api-key-scope that the key has.",
                    },
                    ["operator"] = new JsonObject
                    {
                        ["type"] = "http", ["scheme"] = "bearer",
                        ["description"] = "The operator key (the Operator__ApiKey setting). Without one configured, the operator routes answer 404.",
                    },
                },
            },
        };
    }

    private static IEnumerable<(string, string)> ErrorsFor(HttpFunction f, OpenApiOperationAttribute? meta)
    {
        yield return ("400", "Bad input; the errors name the fields");
        if (f.Operator)
        {
            yield return ("401", "Missing or wrong operator key");
            yield return ("404", "No such tenant or number, or no operator key configured");
            foreach (var error in Particular(meta)) yield return error;
            yield break;
        }
        if (!f.Anonymous) yield return ("401", "Missing, invalid or expired access token");
        if (f.Roles.Count > 0) yield return ("403", "The caller's role does not allow this");
        if (f.Route.Contains('{', StringComparison.Ordinal)) yield return ("404", "No such resource in the caller's organization");
        if (meta?.Request is not null) yield return ("413", "The body is larger than 1 MiB");
        if (meta?.RateLimited == true) yield return ("429", "Too many attempts; Retry-After says when to try again");
        foreach (var error in Particular(meta)) yield return error;
    }

    private static IEnumerable<(string, string)> Particular(OpenApiOperationAttribute? meta) =>
        (meta?.Errors ?? []).Select(e => e.Split(':', 2)).Select(p => (p[0], p[1]));

    private static readonly JsonSchemaExporterOptions ExporterOptions = new()
    {
        TreatNullObliviousAsNonNullable = true,
        // A custom converter hides its shape from the exporter ("any"): say what it reads and writes.
        TransformSchemaNode = (context, schema) =>
            context.PropertyInfo?.CustomConverter is VerbatimKeysConverter
                ? new JsonObject { ["type"] = new JsonArray("object", "null"), ["additionalProperties"] = new JsonObject { ["type"] = "string" } }
                : context.PropertyInfo?.PropertyType == typeof(System.Text.Json.JsonElement?) && context.PropertyInfo.Name == "parameters"
                    ? new JsonObject { ["type"] = new JsonArray("object", "null"), ["description"] = "A JSON Schema (2020-12) with \"type\": \"object\"." }
                    : AsSerialized(context, schema),
    };

    private static JsonObject Ref(Type type, JsonObject schemas)
    {
        var name = SchemaName(type);
        if (!schemas.ContainsKey(name))
        {
            var schema = JsonSchemaExporter.GetJsonSchemaAsNode(JsonDefaults.Options, type, ExporterOptions);
            schemas[name] = Inline(schema, schema.DeepClone(), $"#/components/schemas/{name}");
        }
        return new JsonObject { ["$ref"] = $"#/components/schemas/{name}" };
    }

    /// <summary>
    /// What the exporter cannot see in the types: times are ISO 8601 strings (our own converter writes them), and a
    /// property that may be null may also be absent, since nulls are not written, so only the others are required.
    /// </summary>
    private static JsonNode AsSerialized(JsonSchemaExporterContext context, JsonNode schema)
    {
        var type = context.TypeInfo.Type;
        if ((Nullable.GetUnderlyingType(type) ?? type) == typeof(DateTime))
        {
            return new JsonObject
            {
                ["type"] = type == typeof(DateTime) ? "string" : new JsonArray("string", "null"),
                ["format"] = "date-time",
            };
        }
        if (schema is JsonObject o && o["properties"] is JsonObject properties && o["required"] is JsonArray required)
        {
            var always = required.Select(r => r!.GetValue<string>()).Where(p => !MayBeNull(properties[p])).ToList();
            if (always.Count > 0) o["required"] = new JsonArray([.. always.Select(p => (JsonNode)p)]);
            else o.Remove("required");
        }
        return schema;
    }

    /// <summary>
    /// The exporter points a type it has already described at that first place, relative to the schema's own root
    /// (<c>#/properties/llm/items</c>), a pointer generators such as openapi-typescript cannot follow: that place is
    /// copied in instead. Only a type that contains itself keeps a pointer, made absolute from <paramref name="root"/>.
    /// </summary>
    private static JsonNode? Inline(JsonNode? node, JsonNode schema, string root, string path = "")
    {
        switch (node)
        {
            case JsonObject o when o["$ref"] is JsonValue r && r.GetValue<string>() is var target
                && (target == "#" || target.StartsWith("#/", StringComparison.Ordinal)):
                var pointer = target[1..];
                if (path == pointer || path.StartsWith(pointer + "/", StringComparison.Ordinal))
                {
                    o["$ref"] = root + pointer;
                    return o;
                }
                var described = pointer.Split('/', StringSplitOptions.RemoveEmptyEntries)
                    .Aggregate<string, JsonNode?>(schema, (n, step) => n is JsonArray a ? a[int.Parse(step, CultureInfo.InvariantCulture)] : n?[step]);
                return Inline(described?.DeepClone(), schema, root, path);
            case JsonObject o:
                foreach (var key in o.Select(p => p.Key).ToList())
                {
                    var child = o[key];
                    if (Inline(child, schema, root, $"{path}/{key}") is var inlined && !ReferenceEquals(inlined, child)) o[key] = inlined;
                }
                return o;
            case JsonArray a:
                for (var i = 0; i < a.Count; i++)
                {
                    var child = a[i];
                    if (Inline(child, schema, root, $"{path}/{i}") is var inlined && !ReferenceEquals(inlined, child)) a[i] = inlined;
                }
                return a;
            default:
                return node;
        }
    }

    private static bool MayBeNull(JsonNode? schema) => schema switch
    {
        JsonObject o => o["type"] is JsonArray types && types.Any(t => t?.GetValue<string>() == "null")
            || o["enum"] is JsonArray values && values.Any(v => v is null),
        _ => true,
    };

    private static string SchemaName(Type type) =>
        type.IsGenericType
            ? type.Name[..type.Name.IndexOf('`')] + "Of" + string.Concat(type.GetGenericArguments().Select(SchemaName))
            : type.Name;

    private static string RouteTemplate(string route) =>
        System.Text.RegularExpressions.Regex.Replace(route, @"\{([^:}]+)(:[^}]*)?\}", "{$1}");

    private static IEnumerable<string> RouteParameters(string route) =>
        System.Text.RegularExpressions.Regex.Matches(route, @"\{([^:}]+)").Select(m => m.Groups[1].Value);
}
