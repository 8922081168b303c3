using VoiceAgents.Core.Auth;
using VoiceAgents.Core.Domain;
using VoiceAgents.Core.Errors;

namespace VoiceAgents.Functions.Auth;

/// <summary>The caller of this request. Set once by the authentication middleware; read by handlers, never from claims ad hoc.</summary>
public sealed class CurrentUser
{
    private TokenIdentity? _identity;

    public bool IsAuthenticated => _identity is not null;
    public TokenIdentity Identity => _identity ?? throw new UnauthorizedException();
    public string UserId => Identity.UserId;
    public string TenantId => Identity.TenantId;
    public string Role => Identity.Role;
    public bool IsAdmin => _identity?.Role == Roles.Admin;

    public void Set(TokenIdentity identity) => _identity = identity;
}
