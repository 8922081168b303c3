using System.Reflection;
using System.Text.Json;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Azure.Functions.Worker.Middleware;
using Microsoft.Extensions.DependencyInjection;
using VoiceAgents.Functions.Infrastructure;

namespace VoiceAgents.Functions.LocalRunner;

/// <summary>
/// Runs one invocation as the isolated worker does: a DI scope, the worker middleware in order, then the function
/// method with its parameters bound from the trigger.
/// </summary>
public sealed class FunctionInvoker(IServiceScopeFactory scopes)
{
    public async Task<object?> InvokeAsync(
        MethodInfo method, string name, Func<ParameterInfo, FunctionContext, (bool Bound, object? Value)> bind,
        Action<FunctionContext>? prepare, IReadOnlyDictionary<string, object?> bindingData, int retryCount, int maxRetryCount, CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        var context = new RunnerFunctionContext(method, name, scope.ServiceProvider, bindingData, retryCount, maxRetryCount, ct);
        prepare?.Invoke(context);
        object? result = null;

        FunctionExecutionDelegate pipeline = async ctx =>
        {
            var target = method.IsStatic ? null : ActivatorUtilities.CreateInstance(ctx.InstanceServices, method.DeclaringType!);
            var args = method.GetParameters().Select(p => Bind(p, ctx, bind)).ToArray();
            try
            {
                result = await Unwrap(method.Invoke(target, args));
            }
            catch (TargetInvocationException e) when (e.InnerException is not null)
            {
                System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(e.InnerException);
            }
            finally
            {
                if (target is IAsyncDisposable ad) await ad.DisposeAsync();
                else if (target is IDisposable d) d.Dispose();
            }
        };
        foreach (var type in ApiSetup.Middleware.Reverse())
        {
            var next = pipeline;
            var middleware = (IFunctionsWorkerMiddleware)scope.ServiceProvider.GetRequiredService(type);
            pipeline = ctx => middleware.Invoke(ctx, next);
        }
        await pipeline(context);
        return result;
    }

    private static object? Bind(ParameterInfo p, FunctionContext ctx, Func<ParameterInfo, FunctionContext, (bool Bound, object? Value)> bind)
    {
        if (p.ParameterType == typeof(FunctionContext)) return ctx;
        if (p.ParameterType == typeof(CancellationToken)) return ctx.CancellationToken;
        var (bound, value) = bind(p, ctx);
        if (bound) return value;
        if (ctx.BindingContext.BindingData.TryGetValue(p.Name!, out var data)) return Convert(data, p.ParameterType);
        if (p.HasDefaultValue) return p.DefaultValue;
        var service = ctx.InstanceServices.GetService(p.ParameterType);
        return service ?? throw new InvalidOperationException($"Cannot bind parameter '{p.Name}' of {p.Member.Name}.");
    }

    private static object? Convert(object? value, Type type)
    {
        if (value is null || type.IsInstanceOfType(value)) return value;
        if (value is string s)
        {
            if (type == typeof(string)) return s;
            var underlying = Nullable.GetUnderlyingType(type) ?? type;
            if (underlying.IsPrimitive || underlying == typeof(Guid) || underlying == typeof(DateTime) || underlying == typeof(DateTimeOffset) || underlying == typeof(decimal))
            {
                return JsonSerializer.Deserialize(underlying == typeof(string) ? $"\"{s}\"" : (underlying.IsPrimitive || underlying == typeof(decimal) ? s : $"\"{s}\""), type);
            }
        }
        return System.Convert.ChangeType(value, type, System.Globalization.CultureInfo.InvariantCulture);
    }

    private static async Task<object?> Unwrap(object? returned)
    {
        switch (returned)
        {
            case Task task:
                await task;
                var type = task.GetType();
                return type.IsGenericType && type.GetProperty("Result") is { } r && r.PropertyType.Name != "VoidTaskResult" ? r.GetValue(task) : null;
            case ValueTask vt:
                await vt;
                return null;
            default:
                if (returned?.GetType() is { IsGenericType: true } t && t.GetGenericTypeDefinition() == typeof(ValueTask<>))
                {
                    var asTask = (Task)t.GetMethod("AsTask")!.Invoke(returned, null)!;
                    return await Unwrap(asTask);
                }
                return returned;
        }
    }
}
