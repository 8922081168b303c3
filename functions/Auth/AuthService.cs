using MongoDB.Driver;
using VoiceAgents.Core.Auth;
using VoiceAgents.Core.Data;
using VoiceAgents.Core.Domain;
using VoiceAgents.Core.Errors;

namespace VoiceAgents.Functions.Auth;

public sealed class AuthService(
    MongoContext db, TokenService tokens, PasswordService passwords, UserTokenVersions versions,
    AuthRateLimiter limiter, AccountLoginLimiter accounts, TimeProvider time)
{
    private const string InvalidLogin = "Invalid email or password.";

    public async Task<SignupResponse> SignupAsync(SignupRequest request, string clientIp, CancellationToken ct)
    {
        var v = new Validation();
        var email = v.Email("email", request.Email);
        PasswordPolicy.ValidateLength(v, "password", request.Password);
        v.Required("name", request.Name);
        v.Required("organization", request.Organization);
        v.ThrowIfInvalid();
        // Counted once the request is well formed, and before the strength estimate, which costs CPU.
        await limiter.CountSignupAsync(clientIp, ct);
        PasswordPolicy.ValidateStrength(v, "password", request.Password!, email, request.Name, request.Organization);
        v.ThrowIfInvalid();

        var now = time.GetUtcNow().UtcDateTime;
        var tenant = new Tenant { Id = Ids.New(), Name = request.Organization!.Trim(), AdminCount = 1, WebhookCount = 0, CreatedAt = now };
        var user = new User
        {
            Id = Ids.New(),
            TenantId = tenant.Id,
            Email = email!,
            Name = request.Name!.Trim(),
            Role = Roles.Admin,
            PasswordHash = passwords.Hash(request.Password!),
            CreatedAt = now,
            UpdatedAt = now,
        };
        // The user is inserted first: the unique email index decides a race, and no orphan tenant is left behind.
        try
        {
            await db.Users.InsertOneAsync(user, cancellationToken: ct);
        }
        catch (MongoWriteException e) when (e.WriteError.Category == ServerErrorCategory.DuplicateKey)
        {
            throw new ConflictException("An account with this email already exists.");
        }
        await db.Tenants.InsertOneAsync(tenant, cancellationToken: ct);
        return new SignupResponse(ToMe(user, tenant), await IssueAsync(user, Ids.New(), ct));
    }

    public async Task<TokenResponse> LoginAsync(LoginRequest request, string clientIp, CancellationToken ct)
    {
        var v = new Validation();
        v.Required("email", request.Email, EmailAddress.MaxLength);
        v.Required("password", request.Password, PasswordPolicy.MaxLength);
        v.ThrowIfInvalid();

        var email = EmailAddress.Normalize(request.Email!);
        await limiter.CountAttemptAsync(clientIp, email, ct);
        var reservation = await accounts.ReserveAsync(email, ct);
        var user = await db.Users.Find(u => u.Email == email).FirstOrDefaultAsync(ct);
        // Verify even when there is no user, so both failures take the same time and say the same thing.
        if (!passwords.Verify(user?.PasswordHash, request.Password!) || user is null)
        {
            throw new UnauthorizedException(InvalidLogin);
        }
        await accounts.ReleaseAsync(email, reservation, ct);
        return await IssueAsync(user, Ids.New(), ct);
    }

    /// <summary>
    /// Changes the caller's password. The old one must be given (wrong guesses count against the account's login
    /// failures); every earlier access and refresh token of the user stops working, and new ones are returned.
    /// </summary>
    public async Task<TokenResponse> ChangePasswordAsync(ChangePasswordRequest request, CurrentUser current, CancellationToken ct)
    {
        var v = new Validation();
        v.Required("current_password", request.CurrentPassword, PasswordPolicy.MaxLength);
        PasswordPolicy.ValidateLength(v, "new_password", request.NewPassword);
        v.ThrowIfInvalid();

        var user = await db.Users.Find(u => u.Id == current.UserId && u.TenantId == current.TenantId).FirstOrDefaultAsync(ct)
            ?? throw new UnauthorizedException("The account no longer exists.");
        var reservation = await accounts.ReserveAsync(user.Email, ct);
        if (!passwords.Verify(user.PasswordHash, request.CurrentPassword!))
        {
            throw new ValidationException("current_password", "is not your current password.");
        }
        await accounts.ReleaseAsync(user.Email, reservation, ct);
        PasswordPolicy.ValidateStrength(v, "new_password", request.NewPassword!, user.Email, user.Name);
        v.ThrowIfInvalid();

        var now = time.GetUtcNow().UtcDateTime;
        // Conditional on the hash read above: of two changes at once, one wins and the other is told to retry.
        var updated = await db.Users.FindOneAndUpdateAsync(
            u => u.Id == user.Id && u.TenantId == user.TenantId && u.PasswordHash == user.PasswordHash,
            Builders<User>.Update
                .Set(u => u.PasswordHash, passwords.Hash(request.NewPassword!))
                .Inc(u => u.TokenVersion, 1)
                .Set(u => u.UpdatedAt, now),
            new FindOneAndUpdateOptions<User> { ReturnDocument = ReturnDocument.After }, ct)
            ?? throw new ConflictException("The password was changed meanwhile; sign in again.");
        await versions.ForgetAsync(updated.TenantId, updated.Id, ct);
        await RevokeUserTokensAsync(db, updated.Id, now, ct);
        return await IssueAsync(updated, Ids.New(), ct);
    }

    /// <summary>Rotates a refresh token. Presenting one that was already used revokes its whole family.</summary>
    public async Task<TokenResponse> RefreshAsync(RefreshRequest request, CancellationToken ct)
    {
        var v = new Validation();
        v.Required("refresh_token", request.RefreshToken, 200);
        v.ThrowIfInvalid();
        var hash = TokenService.HashRefreshToken(request.RefreshToken ?? "");
        var now = time.GetUtcNow().UtcDateTime;
        var claimed = await db.RefreshTokens.FindOneAndUpdateAsync(
            t => t.TokenHash == hash && t.UsedAt == null && t.RevokedAt == null && t.ExpiresAt > now,
            Builders<RefreshToken>.Update.Set(t => t.UsedAt, now),
            cancellationToken: ct);
        if (claimed is null)
        {
            var known = await db.RefreshTokens.Find(t => t.TokenHash == hash).FirstOrDefaultAsync(ct);
            if (known is not null && known.UsedAt is not null)
            {
                await RevokeFamilyAsync(known.FamilyId, now, ct);
            }
            throw new UnauthorizedException("The refresh token is invalid, expired or already used.");
        }
        var user = await db.Users.Find(u => u.Id == claimed.UserId && u.TenantId == claimed.TenantId).FirstOrDefaultAsync(ct)
            ?? throw new UnauthorizedException("The account no longer exists.");
        return await IssueAsync(user, claimed.FamilyId, ct);
    }

    public async Task LogoutAsync(RefreshRequest request, CancellationToken ct)
    {
        var v = new Validation();
        v.Required("refresh_token", request.RefreshToken, 200);
        v.ThrowIfInvalid();
        var hash = TokenService.HashRefreshToken(request.RefreshToken!);
        var known = await db.RefreshTokens.Find(t => t.TokenHash == hash).FirstOrDefaultAsync(ct);
        if (known is not null)
        {
            await RevokeFamilyAsync(known.FamilyId, time.GetUtcNow().UtcDateTime, ct);
        }
    }

    public async Task<MeResponse> MeAsync(CurrentUser current, CancellationToken ct)
    {
        var user = await db.Users.Find(u => u.Id == current.UserId && u.TenantId == current.TenantId).FirstOrDefaultAsync(ct)
            ?? throw new UnauthorizedException("The account no longer exists.");
        var tenant = await db.Tenants.Find(t => t.Id == current.TenantId).FirstOrDefaultAsync(ct);
        return ToMe(user, tenant);
    }

    /// <summary>Revokes every refresh token family of the user (removal, password change).</summary>
    public static Task RevokeUserTokensAsync(MongoContext db, string userId, DateTime now, CancellationToken ct) =>
        db.RefreshTokens.UpdateManyAsync(
            t => t.UserId == userId && t.RevokedAt == null,
            Builders<RefreshToken>.Update.Set(t => t.RevokedAt, now),
            cancellationToken: ct);

    private Task RevokeFamilyAsync(string familyId, DateTime now, CancellationToken ct) =>
        db.RefreshTokens.UpdateManyAsync(
            t => t.FamilyId == familyId && t.RevokedAt == null,
            Builders<RefreshToken>.Update.Set(t => t.RevokedAt, now),
            cancellationToken: ct);

    private async Task<TokenResponse> IssueAsync(User user, string familyId, CancellationToken ct)
    {
        var now = time.GetUtcNow().UtcDateTime;
        var (refresh, hash) = TokenService.NewRefreshToken();
        await db.RefreshTokens.InsertOneAsync(new RefreshToken
        {
            Id = Ids.New(),
            TenantId = user.TenantId,
            UserId = user.Id,
            TokenHash = hash,
            FamilyId = familyId,
            CreatedAt = now,
            ExpiresAt = now + tokens.RefreshTokenLifetime,
        }, cancellationToken: ct);
        var access = tokens.CreateAccessToken(new TokenIdentity(user.Id, user.TenantId, user.Role, user.Email, user.TokenVersion));
        return new TokenResponse(access, refresh, "Bearer", (int)tokens.AccessTokenLifetime.TotalSeconds);
    }

    private static MeResponse ToMe(User user, Tenant? tenant) =>
        new(user.Id, user.Email, user.Name, user.Role, user.TenantId, tenant?.Name ?? "");
}
