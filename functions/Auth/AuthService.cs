using MongoDB.Driver;
using VoiceAgents.Core.Auth;
using VoiceAgents.Core.Data;
using VoiceAgents.Core.Domain;
using VoiceAgents.Core.Errors;

namespace VoiceAgents.Functions.Auth;

public sealed class AuthService(MongoContext db, TokenService tokens, PasswordService passwords, LoginRateLimiter limiter, TimeProvider time)
{
    private const string InvalidLogin = "Invalid email or password.";

    public async Task<SignupResponse> SignupAsync(SignupRequest request, CancellationToken ct)
    {
        var v = new Validation();
        v.Email("email", request.Email);
        ValidatePassword(v, request.Password);
        v.Required("name", request.Name);
        v.Required("organization", request.Organization);
        v.ThrowIfInvalid();

        var now = time.GetUtcNow().UtcDateTime;
        var email = NormalizeEmail(request.Email!);
        var tenant = new Tenant { Id = Ids.New(), Name = request.Organization!.Trim(), AdminCount = 1, CreatedAt = now };
        var user = new User
        {
            Id = Ids.New(),
            TenantId = tenant.Id,
            Email = email,
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
        v.Required("email", request.Email, 254);
        v.Required("password", request.Password, 1024);
        v.ThrowIfInvalid();

        var email = NormalizeEmail(request.Email!);
        await limiter.CountAttemptAsync(clientIp, email, ct);
        var user = await db.Users.Find(u => u.Email == email).FirstOrDefaultAsync(ct);
        // Verify even when there is no user, so both failures take the same time and say the same thing.
        if (!passwords.Verify(user?.PasswordHash, request.Password!) || user is null)
        {
            throw new UnauthorizedException(InvalidLogin);
        }
        return await IssueAsync(user, Ids.New(), ct);
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

    public static void ValidatePassword(Validation v, string? password)
    {
        if (v.Required("password", password, 1024) && password!.Length < PasswordService.MinLength)
        {
            v.Add("password", $"must be at least {PasswordService.MinLength} characters.");
        }
    }

    public static string NormalizeEmail(string email) => email.Trim().ToLowerInvariant();

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
        var access = tokens.CreateAccessToken(new TokenIdentity(user.Id, user.TenantId, user.Role, user.Email));
        return new TokenResponse(access, refresh, "Bearer", (int)tokens.AccessTokenLifetime.TotalSeconds);
    }

    private static MeResponse ToMe(User user, Tenant? tenant) =>
        new(user.Id, user.Email, user.Name, user.Role, user.TenantId, tenant?.Name ?? "");
}
