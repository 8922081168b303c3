using System.Text.Json;
using System.Text.Json.Serialization;

namespace VoiceAgents.Core.Json;

/// <summary>
/// A map of strings whose keys are the client's own names (variables, headers, tool arguments): written as they are,
/// where the API's dictionary key policy would snake_case them (<c>firstName</c> would come back <c>first_name</c>).
/// Values must be strings (or null, which the validators refuse with the field's name).
/// </summary>
public sealed class VerbatimKeysConverter : JsonConverter<IReadOnlyDictionary<string, string?>>
{
    public override IReadOnlyDictionary<string, string?> Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        if (reader.TokenType != JsonTokenType.StartObject) throw new JsonException("Expected an object of strings.");
        var map = new Dictionary<string, string?>(StringComparer.Ordinal);
        while (reader.Read() && reader.TokenType != JsonTokenType.EndObject)
        {
            var key = reader.GetString()!;
            reader.Read();
            map[key] = reader.TokenType switch
            {
                JsonTokenType.String => reader.GetString(),
                JsonTokenType.Null => null,
                _ => throw new JsonException($"The value of '{key}' must be a string."),
            };
        }
        return map;
    }

    public override void Write(Utf8JsonWriter writer, IReadOnlyDictionary<string, string?> value, JsonSerializerOptions options)
    {
        writer.WriteStartObject();
        foreach (var (key, item) in value)
        {
            if (item is null) writer.WriteNull(key);
            else writer.WriteString(key, item);
        }
        writer.WriteEndObject();
    }
}
