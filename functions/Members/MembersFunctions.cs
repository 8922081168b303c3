using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.DependencyInjection;
using VoiceAgents.Core.Domain;
using VoiceAgents.Functions.Infrastructure;
using VoiceAgents.Functions.OpenApi;

namespace VoiceAgents.Functions.Members;

[Authorize(Roles = Roles.Admin)]
public sealed class MembersFunctions(MembersService members)
{
    [Function("ListMembers")]
    [OpenApiOperation("members", "List the organization's users (admins only)", null, typeof(MemberList))]
    public async Task<Ok<MemberList>> List(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "members")] HttpRequest req, CancellationToken ct) =>
        TypedResults.Ok(await members.ListAsync(ct));

    [Function("CreateMember")]
    [OpenApiOperation("members", "Add a user (admins only)", typeof(CreateMemberRequest), typeof(MemberResponse), 201)]
    public async Task<Created<MemberResponse>> Create(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "members")] HttpRequest req, CancellationToken ct)
    {
        var member = await members.CreateAsync(await RequestBody.ReadAsync<CreateMemberRequest>(req, ct), ct);
        return TypedResults.Created($"/api/members/{member.Id}", member);
    }

    [Function("UpdateMember")]
    [OpenApiOperation("members", "Change a user's role; the last admin cannot be demoted", typeof(UpdateMemberRequest), typeof(MemberResponse))]
    public async Task<Ok<MemberResponse>> Update(
        [HttpTrigger(AuthorizationLevel.Anonymous, "patch", Route = "members/{id}")] HttpRequest req, string id, CancellationToken ct) =>
        TypedResults.Ok(await members.UpdateRoleAsync(id, await RequestBody.ReadAsync<UpdateMemberRequest>(req, ct), ct));

    [Function("DeleteMember")]
    [OpenApiOperation("members", "Remove a user; the last admin cannot be removed", null, null, 204)]
    public async Task<NoContent> Delete(
        [HttpTrigger(AuthorizationLevel.Anonymous, "delete", Route = "members/{id}")] HttpRequest req, string id, CancellationToken ct)
    {
        await members.DeleteAsync(id, ct);
        return TypedResults.NoContent();
    }
}

public static class MembersFeature
{
    public static IServiceCollection AddMembersFeature(this IServiceCollection services) => services.AddScoped<MembersService>();
}
