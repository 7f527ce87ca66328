using System.Text.Json;
using FluentValidation;
using Ledger.Api.Http;

namespace Ledger.Api.Volunteers;

public static class Echelons
{
    /// <summary>第一梯队 (楼组长, 网格员), 第二梯队 (keen residents, party members, local talents), and the reserve.</summary>
    public static readonly string[] All = ["first", "second", "reserve"];
}

public static class VolunteerStatuses
{
    public const string Active = "active";
    public const string Inactive = "inactive";
    public static readonly string[] All = [Active, Inactive];
}

public sealed record CreateVolunteerRequest(
    long CommunityId,
    string Name,
    string Phone,
    string? WechatOpenId,
    string? Grid,
    string? BuildingGroup,
    string[]? Skills,
    string Echelon);

/// <summary>
/// PATCH: a field left out (or null) stays as it is; an empty grid or building group clears it. A name is corrected by
/// staff and admin keys only (the audit event keeps the one before).
/// </summary>
public sealed record PatchVolunteerRequest(
    string? Grid,
    string? BuildingGroup,
    string[]? Skills,
    string? Echelon,
    string? Phone,
    string? Status,
    string? Name = null);

public sealed record VolunteerResponse(
    long Id,
    long CommunityId,
    string MemberCode,
    string Name,
    string Phone,
    string? WechatOpenId,
    string? Grid,
    string? BuildingGroup,
    IReadOnlyList<string> Skills,
    string Echelon,
    string Status,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt);

public sealed class VolunteerRow
{
    public const string Columns =
        "id, community_id, member_code, name, phone, wechat_open_id, grid, building_group, skills, echelon, status, created_at, updated_at";

    public long Id { get; init; }
    public long CommunityId { get; init; }
    public string MemberCode { get; init; } = "";
    public string Name { get; init; } = "";
    public string Phone { get; init; } = "";
    public string? WechatOpenId { get; init; }
    public string? Grid { get; init; }
    public string? BuildingGroup { get; init; }
    public string Skills { get; init; } = "[]";
    public string Echelon { get; init; } = "";
    public string Status { get; init; } = "";
    public DateTimeOffset CreatedAt { get; init; }
    public DateTimeOffset UpdatedAt { get; init; }

    /// <summary>Auditors, and the audit trail (which auditors read), see the phone and the openid masked; the community's own keys see them whole.</summary>
    public VolunteerResponse ToResponse(bool masked = false) => new(Id, CommunityId, MemberCode, Name,
        masked ? Phones.Mask(Phone) : Phone, masked ? OpenIds.Mask(WechatOpenId) : WechatOpenId, Grid, BuildingGroup,
        JsonSerializer.Deserialize<string[]>(Skills) ?? [], Echelon, Status, CreatedAt, UpdatedAt);
}

public static class Phones
{
    /// <summary>As stored and searched: digits with an optional leading '+', spaces and dashes dropped; null if not a phone.</summary>
    public static string? Normalize(string? input)
    {
        if (input is null)
            return null;
        var trimmed = input.Trim();
        var plus = trimmed.StartsWith('+');
        var digits = new string(trimmed.Where(c => c is not (' ' or '-')).Skip(plus ? 1 : 0).ToArray());
        if (digits.Length is < 7 or > 15 || !digits.All(char.IsAsciiDigit))
            return null;
        return plus ? "+" + digits : digits;
    }

    /// <summary>139****5678: enough to tell two volunteers apart, not enough to call one.</summary>
    public static string Mask(string phone) =>
        phone.Length <= 7 ? new string('*', phone.Length - 2) + phone[^2..] : phone[..3] + new string('*', phone.Length - 7) + phone[^4..];

    /// <summary>Whole phone numbers and openids: every key but an auditor's (a scoped key sees only its own community's volunteers).</summary>
    public static bool SeesWholePhones(Http.Caller caller) => caller.Role is not Http.Roles.Auditor;

    /// <summary>
    /// Whether a search term may find a volunteer by phone: only for the community's own staff and client keys (a
    /// scoped key searches only its own community), and only as a whole number. A part of a number matched for every
    /// role let an auditor rebuild a masked number in a few dozen searches.
    /// </summary>
    public static string? SearchTerm(Http.Caller caller, string term) => caller.IsScoped ? Normalize(term) : null;

    /// <summary>
    /// The same mainland number in its other stored form: 13912345678 and +8613912345678 are one phone, whichever way
    /// it was registered and whichever way the counter types it.
    /// </summary>
    public static string? OtherForm(string? phone) =>
        phone switch
        {
            null => null,
            { Length: 14 } when phone.StartsWith("+861", StringComparison.Ordinal) => phone[3..],
            { Length: 11 } when phone[0] == '1' => "+86" + phone,
            _ => null,
        };
}

public static class OpenIds
{
    /// <summary>oUp****S6o: tells two bindings apart, and is no use to look a volunteer up by.</summary>
    public static string? Mask(string? openId) =>
        openId is null ? null : openId.Length <= 8 ? "****" : openId[..3] + "****" + openId[^3..];
}

internal static class VolunteerRules
{
    public const int MaxSkills = 20;
    public const int MaxName = 50;

    public static IRuleBuilderOptions<T, string?> ValidPhone<T>(this IRuleBuilder<T, string?> rule) =>
        rule.Must(p => Phones.Normalize(p) is not null).WithMessage(_ => Messages.Get("phone"));

    public static IRuleBuilderOptions<T, string?> OneOf<T>(this IRuleBuilder<T, string?> rule, string[] allowed) =>
        rule.Must(v => allowed.Contains(v)).WithMessage(_ => Messages.Get("one-of", string.Join(", ", allowed)));

    public const int MaxSkillLength = 30;

    /// <summary>Each skill is checked by a RuleForEach of the validator, so the document can state its length too.</summary>
    public static void ValidSkills<T>(this IRuleBuilder<T, string[]?> rule) => rule.MaxItems(MaxSkills);

    public static void ValidSkill<T>(this IRuleBuilder<T, string> rule) => rule.NotEmpty().PlainText(MaxSkillLength);
}

public sealed class CreateVolunteerValidator : AbstractValidator<CreateVolunteerRequest>
{
    public CreateVolunteerValidator()
    {
        RuleFor(r => r.CommunityId).GreaterThan(0);
        RuleFor(r => r.Name).NotEmpty().VisibleName(VolunteerRules.MaxName);
        RuleFor(r => r.Phone).NotEmpty().ValidPhone();
        RuleFor(r => r.WechatOpenId)
            .Length(1, 128).WithMessage(_ => Messages.Get("rule-out-of-range", 1, 128))
            .Must(id => id is null || id.All(c => c is > ' ' and <= '~'))
            .WithMessage(_ => Messages.Get("rule-out-of-range", 1, 128));
        RuleFor(r => r.Grid).PlainText(50);
        RuleFor(r => r.BuildingGroup).PlainText(50);
        RuleFor(r => r.Skills).ValidSkills();
        RuleForEach(r => r.Skills).ValidSkill();
        RuleFor(r => r.Echelon).OneOf(Echelons.All);
    }
}

public sealed class PatchVolunteerValidator : AbstractValidator<PatchVolunteerRequest>
{
    public PatchVolunteerValidator()
    {
        RuleFor(r => r.Grid).PlainText(50);
        RuleFor(r => r.BuildingGroup).PlainText(50);
        RuleFor(r => r.Skills).ValidSkills();
        RuleForEach(r => r.Skills).ValidSkill();
        RuleFor(r => r.Echelon).OneOf(Echelons.All).When(r => r.Echelon is not null);
        RuleFor(r => r.Phone).ValidPhone().When(r => r.Phone is not null);
        RuleFor(r => r.Status).OneOf(VolunteerStatuses.All).When(r => r.Status is not null);
        RuleFor(r => r.Name).NotEmpty().VisibleName(VolunteerRules.MaxName).When(r => r.Name is not null);
        RuleFor(r => r)
            .Must(r => r is not { Grid: null, BuildingGroup: null, Skills: null, Echelon: null, Phone: null, Status: null, Name: null })
            .WithMessage(_ => Messages.Get("patch-empty"))
            .OverridePropertyName("body");
    }
}
