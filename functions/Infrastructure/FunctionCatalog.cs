using System.Reflection;
using Microsoft.AspNetCore.Authorization;
using Microsoft.Azure.Functions.Worker;

namespace VoiceAgents.Functions.Infrastructure;

/// <summary>
/// An HTTP-triggered function as its attributes declare it; <paramref name="Operator"/> when it is <c>[OperatorOnly]</c>;
/// <paramref name="ApiKeyScope"/> is the scope an API key needs there, or null when no API key may call it.
/// </summary>
public sealed record HttpFunction(
    string Name, MethodInfo Method, IReadOnlyList<string> Verbs, string Route, bool Anonymous, IReadOnlyList<string> Roles, bool Operator = false,
    string? ApiKeyScope = null);

/// <summary>A queue-triggered function as its attributes declare it.</summary>
public sealed record QueueFunction(string Name, MethodInfo Method, string Queue, string? Connection, ParameterInfo MessageParameter);

/// <summary>A timer-triggered function: its NCRONTAB (or TimeSpan) schedule, possibly a <c>%Setting%</c>.</summary>
public sealed record TimerFunction(string Name, MethodInfo Method, string Schedule, bool RunOnStartup, ParameterInfo TimerParameter);

/// <summary>
/// The functions of some assemblies, read from <c>[Function]</c>, <c>[HttpTrigger]</c> and <c>[QueueTrigger]</c>.
/// The local runner serves exactly these; the OpenAPI document and the auth middleware read them too.
/// </summary>
public sealed class FunctionCatalog
{
    private readonly Dictionary<string, HttpFunction> _byEntryPoint;

    public FunctionCatalog(IEnumerable<Assembly> assemblies)
    {
        var http = new List<HttpFunction>();
        var queue = new List<QueueFunction>();
        var timers = new List<TimerFunction>();
        foreach (var method in assemblies.SelectMany(LoadableTypes)
                     .Where(t => t is { IsClass: true, IsAbstract: false } || t is { IsAbstract: true, IsSealed: true })
                     .SelectMany(t => t.GetMethods(BindingFlags.Public | BindingFlags.Instance | BindingFlags.Static | BindingFlags.DeclaredOnly)))
        {
            var function = method.GetCustomAttribute<FunctionAttribute>();
            if (function is null) continue;
            foreach (var p in method.GetParameters())
            {
                if (p.GetCustomAttribute<HttpTriggerAttribute>() is { } h)
                {
                    var authorize = method.GetCustomAttributes<AuthorizeAttribute>().Concat(method.DeclaringType!.GetCustomAttributes<AuthorizeAttribute>());
                    var anonymous = method.IsDefined(typeof(AllowAnonymousAttribute)) || method.DeclaringType!.IsDefined(typeof(AllowAnonymousAttribute));
                    var verbs = (h.Methods ?? ["get", "post"]).Select(m => m.ToUpperInvariant()).ToArray();
                    var roles = authorize.SelectMany(a => (a.Roles ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)).ToArray();
                    http.Add(new HttpFunction(
                        function.Name,
                        method,
                        verbs,
                        h.Route ?? function.Name,
                        anonymous,
                        roles,
                        method.IsDefined(typeof(OperatorOnlyAttribute)) || method.DeclaringType!.IsDefined(typeof(OperatorOnlyAttribute)),
                        ApiKeyScopeOf(method, verbs, roles)));
                }
                else if (p.GetCustomAttribute<QueueTriggerAttribute>() is { } q)
                {
                    queue.Add(new QueueFunction(function.Name, method, q.QueueName, q.Connection, p));
                }
                else if (p.GetCustomAttribute<TimerTriggerAttribute>() is { } t)
                {
                    timers.Add(new TimerFunction(function.Name, method, t.Schedule, t.RunOnStartup, p));
                }
            }
        }
        // A function whose whole route is a catch-all answers what no other route does (404, 405): it is served last
        // and is no route of the API's own.
        Fallback = http.SingleOrDefault(f => IsCatchAll(f.Route));
        Http = http.Where(f => f != Fallback).ToList();
        Queue = queue;
        Timers = timers;
        _byEntryPoint = http.ToDictionary(f => EntryPoint(f.Method), StringComparer.Ordinal);
    }

    /// <summary>
    /// An explicit <c>[ApiKeyScope]</c>; else none for members-only and admin-only functions (members, keys,
    /// credentials stay with people); else read for a GET and write for a change.
    /// </summary>
    private static string? ApiKeyScopeOf(MethodInfo method, string[] verbs, string[] roles)
    {
        var declared = method.GetCustomAttribute<ApiKeyScopeAttribute>() ?? method.DeclaringType!.GetCustomAttribute<ApiKeyScopeAttribute>();
        if (declared is not null) return declared.Scope;
        if (roles.Length > 0 || method.IsDefined(typeof(MembersOnlyAttribute)) || method.DeclaringType!.IsDefined(typeof(MembersOnlyAttribute))) return null;
        return verbs.All(v => v is "GET" or "HEAD") ? Core.Auth.ApiKeyScopes.Read : Core.Auth.ApiKeyScopes.Write;
    }

    private static IEnumerable<Type> LoadableTypes(Assembly assembly)
    {
        try
        {
            return assembly.GetTypes();
        }
        catch (ReflectionTypeLoadException e)
        {
            return e.Types.Where(t => t is not null)!;
        }
    }

    /// <summary>The API's routes, without <see cref="Fallback"/>.</summary>
    public IReadOnlyList<HttpFunction> Http { get; }

    /// <summary>The function with a catch-all route (<c>{*path}</c>) that answers requests no route serves, if any.</summary>
    public HttpFunction? Fallback { get; }

    public IReadOnlyList<QueueFunction> Queue { get; }
    public IReadOnlyList<TimerFunction> Timers { get; }

    /// <summary>The entry point string the Functions host reports in <c>FunctionDefinition.EntryPoint</c>.</summary>
    public static string EntryPoint(MethodInfo method) => $"{method.DeclaringType!.FullName}.{method.Name}";

    public HttpFunction? FindHttp(string entryPoint) => _byEntryPoint.GetValueOrDefault(entryPoint);

    private static bool IsCatchAll(string route) => route.StartsWith("{*", StringComparison.Ordinal) && route.EndsWith('}') && route.IndexOf('/') < 0;
}
