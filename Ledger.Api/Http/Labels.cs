using Ledger.Core.Ledger;
using Ledger.Api.Storage;
using Ledger.Core.Audit;

namespace Ledger.Api.Http;

/// <summary>
/// The Chinese words for the stored vocabularies — statuses, echelons, transaction kinds, accounts, audit actions,
/// service categories — wherever people rather than programs read them: exports and certificates. The machine form is
/// the code itself. A code without a word here (a category a community made up, an action added later) shows as
/// recorded: a code is still better than a blank or a guess.
/// </summary>
public static class Labels
{
    public static readonly Words RecordStatus = new(new()
    {
        ["pending"] = "待审核",
        ["approved"] = "已通过",
        ["rejected"] = "已驳回",
        ["reversed"] = "已撤销",
    });

    public static readonly Words RedemptionStatus = new(new()
    {
        ["completed"] = "已兑换",
        ["cancelled"] = "已取消",
    });

    public static readonly Words VolunteerStatus = new(new()
    {
        ["active"] = "在册",
        ["inactive"] = "已停用",
    });

    public static readonly Words Echelon = new(new()
    {
        ["first"] = "第一梯队",
        ["second"] = "第二梯队",
        ["reserve"] = "后备",
    });

    public static readonly Words TransactionKind = new(new()
    {
        ["accrual"] = "服务积分",
        ["reversal"] = "撤销服务积分",
        ["redemption"] = "积分兑换",
        ["cancellation"] = "取消兑换",
        ["adjustment"] = "人工调整",
        ["expiry"] = "积分过期",
        ["transfer"] = "积分转赠",
    });

    public static readonly Words AuditAction = new(new()
    {
        ["api-key.bootstrapped"] = "初始管理员密钥",
        ["api-key.created"] = "创建 API 密钥",
        ["api-key.revoked"] = "撤销 API 密钥",
        ["community.created"] = "创建社区",
        ["rules.versioned"] = "发布规则新版本",
        ["volunteer.created"] = "登记志愿者",
        ["volunteer.updated"] = "修改志愿者信息",
        ["service-record.submitted"] = "提交服务记录",
        ["service-record.approved"] = "审核通过服务记录",
        ["service-record.rejected"] = "驳回服务记录",
        ["service-record.reversed"] = "撤销服务记录",
        ["activity.created"] = "创建活动",
        ["activity.attendance"] = "登记活动出勤",
        ["points.adjusted"] = "人工调整积分",
        ["points.transferred"] = "积分转赠",
        ["points.expired"] = "积分过期",
        ["reward.created"] = "上架奖品",
        ["reward.updated"] = "修改奖品",
        ["redemption.completed"] = "积分兑换",
        ["redemption.cancelled"] = "取消兑换",
        ["certificate.issued"] = "开具服务证明",
    });

    /// <summary>Common categories in the words of a certificate (服务类别); the rules let a community name its own.</summary>
    public static readonly Words Category = new(new()
    {
        ["epidemic"] = "疫情防控",
        ["anti-fraud"] = "反诈宣传",
        ["elderly-care"] = "为老服务",
        ["environment"] = "环境整治",
        ["patrol"] = "平安巡逻",
        ["garbage-sorting"] = "垃圾分类",
        ["culture"] = "文化活动",
    });

    /// <summary>志愿者 张阿姨（42） for a volunteer's account, the community account's name otherwise.</summary>
    public static string Account(AccountRef account, string? holder) => account.Kind switch
    {
        AccountKind.Volunteer when holder is not null => $"志愿者 {holder}（{account.VolunteerId}）",
        AccountKind.Volunteer => $"志愿者 {account.VolunteerId}",
        AccountKind.Issuance => "积分发放账户",
        AccountKind.Redemption => "积分兑换账户",
        AccountKind.Expiry => "积分过期账户",
        _ => account.ToString(),
    };

    /// <summary>A transaction's memo; an accrual's is the category of the hours it credits.</summary>
    public static string? Memo(string kind, string? memo) => kind == TransactionKinds.Accrual && memo is not null ? Category.Zh(memo) : memo;

    /// <summary>Who acted: an API key by its number, or the service itself (the expiry job, the first start).</summary>
    public static string Actor(long? keyId) => keyId is { } id ? $"{Messages.ChineseNoun("api-key")} {id}" : "系统";

    /// <summary>
    /// A reference or an audit subject — "service-record:5", "receipt:C001-2026-00042", "volunteer:3->volunteer:4" —
    /// with each kind of thing named in Chinese and its id kept, so the row can still be traced.
    /// </summary>
    public static string? Reference(string? reference)
    {
        if (string.IsNullOrEmpty(reference))
            return reference;
        return string.Join(" → ", reference.Split("->").Select(part =>
        {
            var colon = part.IndexOf(':');
            return colon <= 0 ? part : $"{Messages.ChineseNoun(part[..colon])} {part[(colon + 1)..]}";
        }));
    }
}

/// <summary>A vocabulary's Chinese words by code.</summary>
public sealed class Words(Dictionary<string, string> chinese)
{
    public IReadOnlyCollection<string> Codes => chinese.Keys;

    public string Zh(string code) => chinese.GetValueOrDefault(code, code);
}

/// <summary>A code named in a message ("该记录已通过"), put into the caller's language when the message is formatted.</summary>
public sealed record Word(Words Words, string Code)
{
    public override string ToString() => Messages.IsEnglish ? Code : Words.Zh(Code);
}
