using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.AspNetCore.Routing.Template;
using Microsoft.Extensions.DependencyInjection;

namespace VoiceAgents.Functions.Infrastructure;

/// <summary>
/// The API's route templates, matched as the host matches them (constraints included), to tell a path no function
/// serves (404) from a path served only for other methods (405 with <c>Allow</c>).
/// </summary>
public sealed class RouteTable
{
    private readonly (TemplateMatcher Matcher, RouteTemplate Template, IReadOnlyList<string> Verbs)[] _routes;
    private readonly IInlineConstraintResolver _constraints;

    public RouteTable(FunctionCatalog catalog)
    {
        _routes = catalog.Http.Select(f =>
        {
            var template = TemplateParser.Parse(f.Route);
            return (new TemplateMatcher(template, new RouteValueDictionary()), template, f.Verbs);
        }).ToArray();
        // Routing's own resolver, with the constraints (regex included) that the hosts apply to the templates.
        _constraints = new ServiceCollection().AddRouting().BuildServiceProvider().GetRequiredService<IInlineConstraintResolver>();
    }

    /// <summary>The methods some function serves at <paramref name="path"/> (relative to the route prefix), sorted; empty when none does.</summary>
    public IReadOnlyList<string> MethodsFor(string path)
    {
        var methods = new SortedSet<string>(StringComparer.Ordinal);
        var requestPath = new PathString("/" + path.TrimStart('/'));
        foreach (var (matcher, template, verbs) in _routes)
        {
            var values = new RouteValueDictionary();
            if (matcher.TryMatch(requestPath, values) && ConstraintsMatch(template, values)) methods.UnionWith(verbs);
        }
        return methods.ToList();
    }

    private bool ConstraintsMatch(RouteTemplate template, RouteValueDictionary values)
    {
        foreach (var parameter in template.Parameters)
        {
            foreach (var inline in parameter.InlineConstraints)
            {
                var constraint = _constraints.ResolveConstraint(inline.Constraint);
                if (constraint is not null && !constraint.Match(null, null, parameter.Name!, values, RouteDirection.IncomingRequest)) return false;
            }
        }
        return true;
    }
}
