using FluentValidation;
using Ledger.Api.Http;

namespace Ledger.Api.ApiKeys;

public sealed record CreateApiKeyRequest(string Name, string Role, long? CommunityId);

/// <summary>The only answer that ever carries the secret.</summary>
public sealed record CreatedApiKeyResponse(long Id, string Name, string Role, long? CommunityId, string Key, DateTimeOffset CreatedAt);

public sealed record ApiKeyResponse(long Id, string Name, string Role, long? CommunityId, string KeyPrefix, DateTimeOffset CreatedAt, DateTimeOffset? RevokedAt);

public sealed class ApiKeyRow
{
    public const string Columns = "id, name, role, community_id, key_prefix, created_at, revoked_at";

    public long Id { get; init; }
    public string Name { get; init; } = "";
    public string Role { get; init; } = "";
    public long? CommunityId { get; init; }
    public string KeyPrefix { get; init; } = "";
    public DateTimeOffset CreatedAt { get; init; }
    public DateTimeOffset? RevokedAt { get; init; }

    public ApiKeyResponse ToResponse() => new(Id, Name, Role, CommunityId, KeyPrefix, CreatedAt, RevokedAt);
}

public sealed class CreateApiKeyValidator : AbstractValidator<CreateApiKeyRequest>
{
    public CreateApiKeyValidator()
    {
        RuleFor(r => r.Name).NotEmpty().PlainText(100);
        RuleFor(r => r.Role)
            .Must(role => Roles.All.Contains(role))
            .WithMessage(_ => Messages.Get("one-of", string.Join(", ", Roles.All)));
        RuleFor(r => r.CommunityId)
            .Must((r, communityId) => Roles.IsScoped(r.Role) ? communityId is > 0 : communityId is null)
            .When(r => Roles.All.Contains(r.Role))
            .WithMessage(_ => Messages.Get("community-forbidden-key"));
    }
}
