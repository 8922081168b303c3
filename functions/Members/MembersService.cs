using Microsoft.Extensions.Logging;
using MongoDB.Driver;
using VoiceAgents.Core.Auth;
using VoiceAgents.Core.Data;
using VoiceAgents.Core.Domain;
using VoiceAgents.Core.Errors;
using VoiceAgents.Functions.Auth;
using VoiceAgents.Functions.Realtime;

namespace VoiceAgents.Functions.Members;

/// <summary>
/// An admin manages the tenant's users. The tenant document counts its admins, and that count is changed with a
/// guarded single-document update, so two admins demoting each other at once cannot leave the tenant without one.
/// A removal or a change of role takes effect at once: the member's access tokens stop working (their token version
/// moves on, see <see cref="UserTokenVersions"/>), a removed member's refresh tokens are revoked and their live-update
/// connections closed. Calls already in progress run to their end.
/// </summary>
public sealed partial class MembersService(
    MongoContext db, PasswordService passwords, UserTokenVersions versions, IRealtimePublisher realtime, CurrentUser current,
    TimeProvider time, ILogger<MembersService> log)
{
    public async Task<MemberList> ListAsync(CancellationToken ct)
    {
        var users = await db.Users.Find(u => u.TenantId == current.TenantId).SortBy(u => u.CreatedAt).Limit(1000).ToListAsync(ct);
        return new MemberList(users.Select(MemberResponse.From).ToList());
    }

    public async Task<MemberResponse> CreateAsync(CreateMemberRequest request, CancellationToken ct)
    {
        var v = new Validation();
        var email = v.Email("email", request.Email);
        v.Required("name", request.Name);
        if (v.Required("role", request.Role, 20)) v.OneOf("role", request.Role, Roles.All);
        if (PasswordPolicy.ValidateLength(v, "password", request.Password))
        {
            PasswordPolicy.ValidateStrength(v, "password", request.Password!, email ?? request.Email, request.Name);
        }
        v.ThrowIfInvalid();

        var now = time.GetUtcNow().UtcDateTime;
        var user = new User
        {
            Id = Ids.New(),
            TenantId = current.TenantId,
            Email = email!,
            Name = request.Name!.Trim(),
            Role = request.Role!,
            PasswordHash = passwords.Hash(request.Password!),
            CreatedAt = now,
            UpdatedAt = now,
        };
        if (user.Role == Roles.Admin) await ChangeAdminCountAsync(+1, ct);
        try
        {
            await db.Users.InsertOneAsync(user, cancellationToken: ct);
        }
        catch (MongoWriteException e) when (e.WriteError.Category == ServerErrorCategory.DuplicateKey)
        {
            if (user.Role == Roles.Admin) await ChangeAdminCountAsync(-1, ct);
            throw new ConflictException("A user with this email already exists.");
        }
        return MemberResponse.From(user);
    }

    public async Task<MemberResponse> UpdateRoleAsync(string id, UpdateMemberRequest request, CancellationToken ct)
    {
        id = Ids.Parse(id);
        var v = new Validation();
        if (v.Required("role", request.Role, 20)) v.OneOf("role", request.Role, Roles.All);
        v.ThrowIfInvalid();

        var user = await FindAsync(id, ct);
        if (user.Role == request.Role) return MemberResponse.From(user);
        if (user.Role == Roles.Admin) await RemoveAdminAsync(ct);
        else await ChangeAdminCountAsync(+1, ct);

        var updated = await db.Users.FindOneAndUpdateAsync(
            u => u.Id == id && u.TenantId == current.TenantId && u.Role == user.Role,
            Builders<User>.Update.Set(u => u.Role, request.Role!).Inc(u => u.TokenVersion, 1).Set(u => u.UpdatedAt, time.GetUtcNow().UtcDateTime),
            new FindOneAndUpdateOptions<User> { ReturnDocument = ReturnDocument.After }, ct);
        if (updated is null)
        {
            // Someone changed this user meanwhile: undo our count change.
            await ChangeAdminCountAsync(user.Role == Roles.Admin ? +1 : -1, ct);
            throw new ConflictException("The member was changed by someone else; reload and try again.");
        }
        // Tokens issued with the old role stop working here at once, elsewhere within the cache interval.
        await versions.ForgetAsync(current.TenantId, id, ct);
        return MemberResponse.From(updated);
    }

    public async Task DeleteAsync(string id, CancellationToken ct)
    {
        id = Ids.Parse(id);
        var user = await FindAsync(id, ct);
        if (user.Role == Roles.Admin) await RemoveAdminAsync(ct);
        var deleted = await db.Users.DeleteOneAsync(u => u.Id == id && u.TenantId == current.TenantId && u.Role == user.Role, ct);
        if (deleted.DeletedCount == 0)
        {
            if (user.Role == Roles.Admin) await ChangeAdminCountAsync(+1, ct);
            throw new NotFoundException("Member");
        }
        await versions.ForgetAsync(current.TenantId, id, ct);
        await AuthService.RevokeUserTokensAsync(db, id, time.GetUtcNow().UtcDateTime, ct);
        try
        {
            await realtime.CloseUserConnectionsAsync(id, "removed from the organization", ct);
        }
        catch (Exception e) when (e is HttpRequestException or OperationCanceledException && !ct.IsCancellationRequested)
        {
            // The removal stands; negotiate already refuses the member, so only connections opened before linger.
            LogCloseFailed(e, id);
        }
    }

    private async Task<User> FindAsync(string id, CancellationToken ct) =>
        await db.Users.Find(u => u.Id == id && u.TenantId == current.TenantId).FirstOrDefaultAsync(ct)
        ?? throw new NotFoundException("Member");

    private async Task RemoveAdminAsync(CancellationToken ct)
    {
        var result = await db.Tenants.UpdateOneAsync(
            t => t.Id == current.TenantId && t.AdminCount > 1,
            Builders<Tenant>.Update.Inc(t => t.AdminCount, -1), cancellationToken: ct);
        if (result.ModifiedCount == 0)
        {
            throw new ConflictException("The last admin of an organization cannot be removed or demoted.");
        }
    }

    private Task ChangeAdminCountAsync(int delta, CancellationToken ct) =>
        db.Tenants.UpdateOneAsync(t => t.Id == current.TenantId, Builders<Tenant>.Update.Inc(t => t.AdminCount, delta), cancellationToken: ct);

    [LoggerMessage(Level = LogLevel.Error, Message = "Could not close the live-update connections of removed member {UserId}")]
    private partial void LogCloseFailed(Exception e, string userId);
}
