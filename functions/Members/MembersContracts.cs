using VoiceAgents.Core.Domain;

namespace VoiceAgents.Functions.Members;

public sealed record CreateMemberRequest(string? Email, string? Name, string? Role, string? Password);

public sealed record UpdateMemberRequest(string? Role);

public sealed record MemberResponse(string Id, string Email, string Name, string Role, DateTime CreatedAt, DateTime UpdatedAt)
{
    public static MemberResponse From(User u) => new(u.Id, u.Email, u.Name, u.Role, u.CreatedAt, u.UpdatedAt);
}

public sealed record MemberList(IReadOnlyList<MemberResponse> Items);
