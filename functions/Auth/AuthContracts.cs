namespace VoiceAgents.Functions.Auth;

public sealed record SignupRequest(string? Email, string? Password, string? Name, string? Organization);

public sealed record LoginRequest(string? Email, string? Password);

public sealed record RefreshRequest(string? RefreshToken);

public sealed record TokenResponse(string AccessToken, string RefreshToken, string TokenType, int ExpiresIn);

public sealed record SignupResponse(MeResponse User, TokenResponse Tokens);

public sealed record MeResponse(string Id, string Email, string Name, string Role, string TenantId, string Organization);

public sealed record ChangePasswordRequest(string? CurrentPassword, string? NewPassword);
