using System.Text.Json;
using System.Text.Json.Nodes;
using VoiceAgents.Core.Templates;

namespace VoiceAgents.Tests.Templates;

public sealed class LiquidTemplatesTests
{
    [Fact]
    public void A_variable_renders_and_a_missing_one_takes_its_default()
    {
        Assert.Equal("Hello Asha", LiquidTemplates.Render("Hello {{ name | default: \"there\" }}", LiquidTemplates.Model(new Dictionary<string, string> { ["name"] = "Asha" })));
        Assert.Equal("Hello there", LiquidTemplates.Render("Hello {{ name | default: \"there\" }}", LiquidTemplates.Model(null)));
    }

    [Fact]
    public void Values_are_plain_text_not_html_encoded()
    {
        Assert.Equal("Tom & Jerry <3", LiquidTemplates.Render("{{ v }}", LiquidTemplates.Model(new Dictionary<string, string> { ["v"] = "Tom & Jerry <3" })));
    }

    [Fact]
    public void Nested_json_such_as_a_tool_result_is_readable_by_path()
    {
        var model = new JsonObject
        {
            ["tool"] = new JsonObject { ["result"] = LiquidTemplates.Value(JsonDocument.Parse("""{"reference":"AB12","seats":[1,2]}""").RootElement) },
            ["match"] = new JsonObject { ["party"] = "4" },
        };
        Assert.Equal("Booked AB12 for 4 (2 seats)", LiquidTemplates.Render("Booked {{ tool.result.reference }} for {{ match.party }} ({{ tool.result.seats | size }} seats)", model));
    }

    [Fact]
    public void A_template_that_does_not_parse_has_an_error_with_its_position_and_renders_as_its_source()
    {
        var error = LiquidTemplates.ParseError("Hello {{ name ");
        Assert.NotNull(error);
        Assert.Matches(@"\(1:\d+\)", error);
        Assert.Null(LiquidTemplates.ParseError("Hello {{ name }}"));
        Assert.Null(LiquidTemplates.ParseError("no markup at all"));
        Assert.Equal("Hello {{ name ", LiquidTemplates.Render("Hello {{ name ", new JsonObject()));
    }

    [Fact]
    public void A_runaway_loop_is_cut_off_and_renders_as_its_source()
    {
        const string loop = "{% for i in (1..1000000) %}x{% endfor %}";
        Assert.Equal(loop, LiquidTemplates.Render(loop, new JsonObject()));
    }
}
