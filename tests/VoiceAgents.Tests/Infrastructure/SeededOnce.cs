namespace VoiceAgents.Tests.Infrastructure;

/// <summary>
/// Data a test class seeds once per runner and shares between its cases (a theory's rows, say). xUnit 2 cannot hand
/// the collection's <see cref="ApiFixture"/> to a class fixture, so the class keeps one of these in a static field.
/// </summary>
public sealed class SeededOnce<T>(Func<ApiFixture, Task<T>> seed)
{
    private readonly Lock _gate = new();
    private (ApiFixture Api, Task<T> Value)? _seeded;

    public Task<T> GetAsync(ApiFixture api)
    {
        lock (_gate)
        {
            if (_seeded is not { } s || !ReferenceEquals(s.Api, api) || s.Value.IsFaulted)
            {
                _seeded = s = (api, seed(api));
            }
            return s.Value;
        }
    }
}
