using System.Reflection;
using System.Reflection.Emit;
using System.Runtime.CompilerServices;
using System.Text.RegularExpressions;
using VoiceAgents.Tests.Infrastructure;
using VoiceAgents.VoiceHost;

namespace VoiceAgents.Tests.Voice;

/// <summary>
/// voice-host's layout, read from the compiled assembly and its sources: each folder is a namespace, the folders
/// depend on each other without cycles, <c>Pipeline/</c> knows only <c>Audio/</c>, nothing depends on the host's
/// root (the composition root), and each file holds one type named for it.
/// </summary>
public sealed partial class VoiceHostLayoutTests
{
    private const string Root = "VoiceAgents.VoiceHost";
    private const string RootFolder = "(root)";
    private static readonly Assembly Host = typeof(VoiceHostApp).Assembly;
    private static readonly string Sources = Path.Combine(LocalStack.RepoRoot, "voice-host");

    [Fact]
    public void The_folders_depend_on_each_other_without_cycles_and_nothing_depends_on_the_root()
    {
        var graph = FolderGraph();

        // The graph is read, not empty: the call is built from processors, and the endpoints start calls.
        Assert.Contains("Processors", graph["Calls"]);
        Assert.Contains("Calls", graph["Endpoints"]);
        Assert.Contains("Transport", graph["Processors"]);
        Assert.Empty(graph.Where(g => g.Value.Contains(RootFolder)).Select(g => g.Key));
        Assert.Null(Cycle(graph));
    }

    [Fact]
    public void The_pipeline_depends_on_nothing_in_voice_host_but_audio()
    {
        var graph = FolderGraph();

        Assert.Equal(["Audio"], graph["Pipeline"].Order());
        Assert.Empty(graph["Audio"]);
    }

    [Fact]
    public void Each_file_holds_one_type_named_for_it_in_the_namespace_of_its_folder()
    {
        var misfits = new List<string>();
        foreach (var file in Directory.EnumerateFiles(Sources, "*.cs", SearchOption.AllDirectories))
        {
            var relative = Path.GetRelativePath(Sources, file).Replace('\\', '/');
            if (relative.StartsWith("bin/", StringComparison.Ordinal) || relative.StartsWith("obj/", StringComparison.Ordinal)
                || relative == "Program.cs" || !Owned(relative))
            {
                continue;
            }
            var text = File.ReadAllText(file);
            var folder = Path.GetDirectoryName(relative)!.Replace('/', '.');
            var expected = folder.Length == 0 ? Root : $"{Root}.{folder}";
            var types = TopLevelType().Matches(text).Select(m => m.Groups["name"].Value).ToList();
            if (types is not [var only] || only != Path.GetFileNameWithoutExtension(file)) misfits.Add($"{relative}: {string.Join(", ", types)}");
            if (Namespace().Match(text).Groups["ns"].Value != expected) misfits.Add($"{relative}: namespace is not {expected}");
        }
        foreach (var type in Host.GetTypes().Where(t => t.DeclaringType is null && t.Namespace?.StartsWith(Root, StringComparison.Ordinal) == true && !Generated(t)))
        {
            var folder = Folder(type.Namespace!) is var f && f == RootFolder ? "" : type.Namespace![(Root.Length + 1)..].Replace('.', '/');
            var name = type.Name.Split('`')[0];
            if (Owned(folder + "/") && !File.Exists(Path.Combine(Sources, folder, name + ".cs"))) misfits.Add($"{type.FullName} has no file {folder}/{name}.cs");
        }

        Assert.Empty(misfits);
    }

    /// <summary>Providers/ is laid out by the provider descriptors' own rules; the development CLI (Cli/) is leaving voice-host.</summary>
    private static bool Owned(string relative) =>
        !relative.StartsWith("Providers/", StringComparison.Ordinal) && !relative.StartsWith("Cli/", StringComparison.Ordinal);

    /// <summary>For each folder, the other folders its types use (in signatures and in method bodies).</summary>
    private static Dictionary<string, HashSet<string>> FolderGraph()
    {
        var graph = new Dictionary<string, HashSet<string>>();
        foreach (var type in Host.GetTypes())
        {
            var owner = Outermost(type);
            if (owner.Namespace?.StartsWith(Root, StringComparison.Ordinal) != true) continue;
            var from = Folder(owner.Namespace);
            var uses = graph.TryGetValue(from, out var set) ? set : graph[from] = [];
            foreach (var used in Uses(type))
            {
                var usedOwner = Outermost(used);
                if (usedOwner.Assembly != Host || usedOwner.Namespace?.StartsWith(Root, StringComparison.Ordinal) != true) continue;
                var to = Folder(usedOwner.Namespace);
                if (to != from) uses.Add(to);
            }
        }
        return graph;
    }

    /// <summary>A cycle in the graph as "A → B → A", or null.</summary>
    private static string? Cycle(Dictionary<string, HashSet<string>> graph)
    {
        var state = new Dictionary<string, int>();
        var path = new Stack<string>();
        string? Visit(string node)
        {
            state[node] = 1;
            path.Push(node);
            foreach (var next in graph.GetValueOrDefault(node) ?? [])
            {
                if (state.GetValueOrDefault(next) == 1) return string.Join(" → ", path.Reverse().SkipWhile(n => n != next).Append(next));
                if (state.GetValueOrDefault(next) == 0 && Visit(next) is { } cycle) return cycle;
            }
            path.Pop();
            state[node] = 2;
            return null;
        }
        return graph.Keys.Select(n => state.GetValueOrDefault(n) == 0 ? Visit(n) : null).FirstOrDefault(c => c is not null);
    }

    private static string Folder(string ns) => ns == Root ? RootFolder : ns[(Root.Length + 1)..].Split('.')[0];

    private static Type Outermost(Type type)
    {
        while (type.DeclaringType is not null) type = type.DeclaringType;
        return type;
    }

    private static bool Generated(Type type) => type.IsDefined(typeof(CompilerGeneratedAttribute)) || type.Name.Contains('<');

    private const BindingFlags All = BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Instance | BindingFlags.Static | BindingFlags.DeclaredOnly;

    /// <summary>The types a type names: its bases, members' signatures, and what its method bodies touch.</summary>
    private static IEnumerable<Type> Uses(Type type)
    {
        var found = new List<Type>();
        if (type.BaseType is { } b) found.Add(b);
        found.AddRange(type.GetInterfaces());
        found.AddRange(type.GetFields(All).Select(f => f.FieldType));
        found.AddRange(type.GetProperties(All).Select(p => p.PropertyType));
        foreach (var method in type.GetMethods(All).Cast<MethodBase>().Concat(type.GetConstructors(All)))
        {
            if (method is MethodInfo m) found.Add(m.ReturnType);
            found.AddRange(method.GetParameters().Select(p => p.ParameterType));
            var body = method.GetMethodBody();
            if (body is null) continue;
            found.AddRange(body.LocalVariables.Select(l => l.LocalType));
            found.AddRange(BodyUses(method, body.GetILAsByteArray() ?? []));
        }
        return found.SelectMany(Parts);
    }

    /// <summary>A type and the types inside it (array elements, generic arguments).</summary>
    private static IEnumerable<Type> Parts(Type type)
    {
        if (type.IsGenericParameter) yield break;
        if (type.HasElementType)
        {
            foreach (var t in Parts(type.GetElementType()!)) yield return t;
            yield break;
        }
        yield return type;
        if (!type.IsGenericType) yield break;
        foreach (var t in type.GetGenericArguments().SelectMany(Parts)) yield return t;
    }

    private static readonly Dictionary<short, OpCode> OpCodesByValue = typeof(OpCodes).GetFields(BindingFlags.Public | BindingFlags.Static)
        .Select(f => (OpCode)f.GetValue(null)!).ToDictionary(o => o.Value);

    /// <summary>The types whose members or tokens a method's IL refers to.</summary>
    private static IEnumerable<Type> BodyUses(MethodBase method, byte[] il)
    {
        var typeArgs = method.DeclaringType is { IsGenericType: true } d ? d.GetGenericArguments() : null;
        var methodArgs = method.IsGenericMethod ? method.GetGenericArguments() : null;
        for (var i = 0; i < il.Length;)
        {
            var value = il[i] == 0xFE ? (short)(0xFE00 | il[i + 1]) : il[i];
            i += il[i] == 0xFE ? 2 : 1;
            var op = OpCodesByValue[value];
            switch (op.OperandType)
            {
                case OperandType.InlineField or OperandType.InlineMethod or OperandType.InlineTok or OperandType.InlineType:
                    MemberInfo? member = null;
                    try
                    {
                        member = method.Module.ResolveMember(BitConverter.ToInt32(il, i), typeArgs, methodArgs);
                    }
                    catch (ArgumentException)
                    {
                    }
                    switch (member)
                    {
                        case Type t:
                            yield return t;
                            break;
                        case FieldInfo f:
                            yield return f.DeclaringType!;
                            yield return f.FieldType;
                            break;
                        case MethodBase { DeclaringType: { } declaring } m:
                            yield return declaring;
                            if (m is MethodInfo { IsGenericMethod: true } generic)
                            {
                                foreach (var a in generic.GetGenericArguments()) yield return a;
                            }
                            break;
                    }
                    i += 4;
                    break;
                case OperandType.InlineSwitch:
                    i += 4 + 4 * BitConverter.ToInt32(il, i);
                    break;
                case OperandType.InlineI8 or OperandType.InlineR:
                    i += 8;
                    break;
                case OperandType.InlineNone:
                    break;
                case OperandType.ShortInlineBrTarget or OperandType.ShortInlineI or OperandType.ShortInlineVar:
                    i += 1;
                    break;
                case OperandType.InlineVar:
                    i += 2;
                    break;
                default:
                    i += 4;
                    break;
            }
        }
    }

    [GeneratedRegex(@"^(?:(?:public|internal|file)\s+)?(?:(?:sealed|static|abstract|partial|readonly)\s+)*(?:class|record|interface|struct|enum)(?:\s+struct|\s+class)?\s+(?<name>\w+)", RegexOptions.Multiline)]
    private static partial Regex TopLevelType();

    [GeneratedRegex(@"^namespace\s+(?<ns>[\w.]+);", RegexOptions.Multiline)]
    private static partial Regex Namespace();
}
