using System.Collections.Immutable;
using System.Reflection;
using Microsoft.Azure.Functions.Worker;

namespace VoiceAgents.Functions.LocalRunner;

/// <summary>The <see cref="FunctionContext"/> the runner hands to the worker middleware and the function.</summary>
internal sealed class RunnerFunctionContext : FunctionContext
{
    public RunnerFunctionContext(MethodInfo method, string name, IServiceProvider services, IReadOnlyDictionary<string, object?> bindingData, int retryCount, int maxRetryCount, CancellationToken ct)
    {
        FunctionDefinition = new RunnerFunctionDefinition(method, name);
        InstanceServices = services;
        BindingContext = new RunnerBindingContext(bindingData);
        RetryContext = new RunnerRetryContext(retryCount, maxRetryCount);
        CancellationToken = ct;
    }

    public override string InvocationId { get; } = Guid.NewGuid().ToString();
    public override string FunctionId => FunctionDefinition.Id;
    public override TraceContext TraceContext { get; } = new RunnerTraceContext(System.Diagnostics.Activity.Current?.Id ?? "", "");
    public override BindingContext BindingContext { get; }
    public override RetryContext RetryContext { get; }
    public override IServiceProvider InstanceServices { get; set; }
    public override FunctionDefinition FunctionDefinition { get; }
    public override IDictionary<object, object> Items { get; set; } = new Dictionary<object, object>();
    public override IInvocationFeatures Features { get; } = new RunnerFeatures();
    public override CancellationToken CancellationToken { get; }

    private sealed class RunnerFunctionDefinition(MethodInfo method, string name) : FunctionDefinition
    {
        public override ImmutableArray<FunctionParameter> Parameters { get; } =
            [.. method.GetParameters().Select(p => new FunctionParameter(p.Name!, p.ParameterType))];
        public override string PathToAssembly => method.DeclaringType!.Assembly.Location;
        public override string EntryPoint => $"{method.DeclaringType!.FullName}.{method.Name}";
        public override string Id => name;
        public override string Name => name;
        public override IImmutableDictionary<string, BindingMetadata> InputBindings => ImmutableDictionary<string, BindingMetadata>.Empty;
        public override IImmutableDictionary<string, BindingMetadata> OutputBindings => ImmutableDictionary<string, BindingMetadata>.Empty;
    }

    private sealed class RunnerTraceContext(string parent, string state) : TraceContext
    {
        public override string TraceParent => parent;
        public override string TraceState => state;
    }

    private sealed class RunnerBindingContext(IReadOnlyDictionary<string, object?> data) : BindingContext
    {
        public override IReadOnlyDictionary<string, object?> BindingData => data;
    }

    private sealed class RunnerRetryContext(int retryCount, int max) : RetryContext
    {
        public override int RetryCount => retryCount;
        public override int MaxRetryCount => max;
    }

    private sealed class RunnerFeatures : Dictionary<Type, object>, IInvocationFeatures
    {
        public void Set<T>(T instance) => this[typeof(T)] = instance!;
        public T? Get<T>() => TryGetValue(typeof(T), out var v) ? (T)v : default;
    }
}
