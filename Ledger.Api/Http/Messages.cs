using System.Globalization;
using Ledger.Api.Storage;
using Ledger.Core.Audit;

namespace Ledger.Api.Http;

/// <summary>
/// Every message the API writes, in zh-CN (the default) and English (Accept-Language: en). Validation messages of
/// FluentValidation's own rules come from its built-in translations; these are ours.
/// </summary>
public static class Messages
{
    private static readonly Dictionary<string, (string Zh, string En)> Catalog = new(StringComparer.Ordinal)
    {
        ["validation"] = ("请求内容有误，请检查后重试。", "The request has invalid fields."),
        ["not-found"] = ("未找到{0}（{1}）。", "No {0} with id {1}."),
        ["forbidden"] = ("此密钥无权执行该操作。", "This API key may not do that."),
        ["unauthorized"] = ("缺少有效的 API 密钥，请在 Authorization 头中使用 Bearer 密钥。", "A valid API key is required: send Authorization: Bearer <key>."),
        ["malformed-json"] = ("请求体不是有效的 JSON，或字段类型不正确：{0}", "The body is not valid JSON or a field has the wrong type: {0}"),
        ["bad-request"] = ("请求无效：{0}", "Bad request: {0}"),
        ["malformed-field"] = ("此处不是有效的 JSON，或类型不对（例如数字写成了带引号的文字）。", "Not valid JSON here, or the wrong type (a number sent as text, say)."),
        ["body-required"] = ("请求体须为一个 JSON 对象，不能为空。", "The body must be a JSON object; it is missing or empty."),
        ["query-value"] = ("“{0}”不是这里能用的值。", "\"{0}\" is not a value this takes."),
        ["time-required"] = ("请填写时间，须带时区，如 2026-11-30T09:00:00+08:00。", "Give the time, with its offset, e.g. 2026-11-30T09:00:00+08:00."),
        ["charset-unsupported"] = ("请求体须为 UTF-8 编码的 JSON（不支持 charset={0}）。", "The body must be JSON in UTF-8 (charset={0} is not supported)."),
        ["unsupported-media-type"] = ("请求体须为 application/json。", "The body must be application/json."),
        ["payload-too-large"] = ("请求体超过 {0} 字节的上限。", "The body is larger than the limit of {0} bytes."),
        ["internal"] = ("服务器内部错误，请稍后重试；如持续出现请联系管理员并提供请求编号。", "Something went wrong on our side; retry later, or report the request id."),
        ["unavailable"] = ("服务正在停止，请稍后重试。", "The service is shutting down; retry shortly."),
        ["database-unavailable"] = ("暂时连不上数据库，请稍后重试。", "The database cannot be reached just now; retry shortly."),
        ["route-not-found"] = ("没有这个接口。", "There is no such endpoint."),
        ["method-not-allowed"] = ("该接口不支持此请求方法。", "This endpoint does not accept that method."),
        ["idempotency-key-reused"] = ("该 Idempotency-Key 已用于内容不同的请求。", "This Idempotency-Key was already used with a different request."),
        ["idempotency-key-invalid"] = ("Idempotency-Key 须为 1 至 100 个可见字符。", "Idempotency-Key must be 1 to 100 visible characters."),
        ["duplicate-openid-elsewhere"] = ("该微信 openid 已在其他社区绑定志愿者。", "This WeChat openid is already bound to a volunteer of another community."),
        ["duplicate-openid"] = ("该微信 openid 已绑定志愿者 {0}。", "This WeChat openid is already bound to volunteer {0}."),
        ["community-required"] = ("请指定社区（communityId）。", "Give the community (communityId)."),
        ["community-not-found"] = ("社区 {0} 不存在。", "Community {0} does not exist."),
        ["community-forbidden-key"] = ("管理员和审计员密钥不能绑定社区；员工和客户端密钥必须绑定社区。", "Admin and auditor keys take no community; staff and client keys need one."),
        ["effective-from-order"] = ("生效时间不能早于当前最新版本（{0}）。", "effectiveFrom may not be earlier than the latest version's ({0})."),
        ["invalid-cursor"] = ("分页游标无效。", "The cursor is not valid."),
        ["time-zone"] = ("未知的时区：{0}。", "Unknown time zone: {0}."),
        ["rule-out-of-range"] = ("须在 {0} 至 {1} 之间。", "Must be between {0} and {1}."),
        ["rule-below-other"] = ("不能小于 {0}（{1}）。", "May not be less than {0} ({1})."),
        ["rule-too-many"] = ("最多 {1} 项。", "At most {1} entries."),
        ["rule-invalid-name"] = ("类别名须为 1 至 {1} 个字母、数字、- 或 _。", "A category is 1 to {1} letters, digits, '-' or '_'."),
        ["rule-wrong-count"] = ("须正好 {0} 个数。", "Exactly {0} numbers are needed."),
        ["rule-not-increasing"] = ("须严格递增，且在 {0} 至 {1} 之间。", "Must rise strictly, each between {0} and {1}."),
        ["rule-grades-out-of-order"] = ("等级时长门槛须满足：优秀 ≥ 良好 ≥ 合格。", "Hour thresholds must satisfy excellent ≥ good ≥ qualified."),
        ["one-of"] = ("须为以下之一：{0}。", "Must be one of: {0}."),
        ["phone"] = ("请填写有效的电话号码（7 至 15 位数字，可带 +、空格或 -）。", "Give a valid phone number (7 to 15 digits; +, spaces and dashes allowed)."),
        ["no-control-chars"] = ("不能包含控制字符。", "May not contain control characters."),
        ["patch-empty"] = ("没有要修改的字段。", "Nothing to change."),
        ["last-admin-key"] = ("这是最后一个有效的管理员密钥，不能撤销；请先创建另一个管理员密钥。", "This is the last working admin key; create another admin key before revoking it."),
        ["end-after-start"] = ("结束时间须晚于开始时间。", "The end must be after the start."),
        ["record-too-long"] = ("单条记录不能超过 {0} 分钟。", "One record may not exceed {0} minutes."),
        ["score-without-approve"] = ("只有同时审核通过（approve: true）时才能给出评分。", "A score is given only with approve: true."),
        ["too-short"] = ("服务时长 {0} 分钟，少于最低 {1} 分钟。", "{0} minutes is less than the minimum of {1}."),
        ["overlapping-record"] = ("与该志愿者已有的待审或已通过记录时间重叠。", "The time overlaps another pending or approved record of this volunteer."),
        ["daily-cap-exceeded"] = ("超过每日上限 {0} 分钟（按社区当地日期计）。", "More than the daily cap of {0} minutes on a local day."),
        ["future-time"] = ("结束时间不能晚于现在。", "The end may not be in the future."),
        ["too-old"] = ("开始时间不能早于 {0} 天前。", "The start may not be more than {0} days back."),
        ["record-not-pending"] = ("该记录{0}，只有待审核的记录才能审核或驳回。", "The record is {0}; only a pending record can be approved or rejected."),
        ["record-not-approved"] = ("该记录{0}，只有已通过的记录才能撤销。", "The record is {0}; only an approved record can be reversed."),
        ["volunteer-inactive"] = ("志愿者 {0} 已停用。", "Volunteer {0} is inactive."),
        ["insufficient-points"] = ("积分不足：余额 {0}，需要 {1}。", "Not enough points: the balance is {0}, {1} are needed."),
        ["no-rules"] = ("记录开始时间早于社区第一个规则版本的生效时间。", "The record starts before the community's first rule version."),
        ["activity-not-found"] = ("活动 {0} 不存在。", "Activity {0} does not exist."),
        ["volunteer-not-found"] = ("志愿者 {0} 不存在。", "Volunteer {0} does not exist."),
        ["self-transfer"] = ("不能转赠给自己。", "A volunteer cannot give points to themself."),
        ["approve-needs-staff"] = ("只有员工或管理员密钥可以直接审核通过。", "Only staff or admin keys may approve."),
        ["entry-null"] = ("出勤条目不能为 null。", "An attendance entry may not be null."),
        ["entry-who"] = ("每条须给出 volunteerId 或 memberCode 之一。", "Give exactly one of volunteerId and memberCode."),
        ["entry-score"] = ("评分须为 1 至 5。", "The score must be 1 to 5."),
        ["stock-below-zero"] = ("库存不能减到 0 以下（现有 {0}）。", "Stock may not go below zero (there are {0})."),
        ["out-of-stock"] = ("库存不足：现有 {0}，需要 {1}。", "Not enough stock: {0} left, {1} needed."),
        ["reward-inactive"] = ("该奖品已下架。", "This reward is not available."),
        ["already-cancelled"] = ("该兑换已于 {0} 取消，不能重复取消。", "This redemption was already cancelled, at {0} local time."),
        ["redeem-who"] = ("须给出 volunteerId 或 memberCode 之一。", "Give exactly one of volunteerId and memberCode."),
        ["as-of-future"] = ("asOf 不能晚于现在。", "asOf may not be in the future."),
        ["actor-format"] = ("actor 须为 api-key:编号、编号或 system。", "actor is api-key:N, N or system."),
        ["rate-limited"] = ("请求过于频繁，请 {0} 秒后重试。", "Too many requests; retry in {0} s."),
        ["time-offset"] = ("时间须带时区，如 2026-11-30T09:00:00+08:00。", "A time needs its offset, e.g. 2026-11-30T09:00:00+08:00."),
        ["time-format"] = ("时间须为带时区的 ISO-8601 格式，如 2026-11-30T09:00:00+08:00。", "A time is ISO-8601 with its offset, e.g. 2026-11-30T09:00:00+08:00."),
        ["time-plus-in-url"] = ("网址中的 + 须写作 %2B，如 2026-11-30T09:00:00%2B08:00。", "In a URL, + is written %2B: 2026-11-30T09:00:00%2B08:00."),
        ["outside-activity"] = ("服务时间须在活动时间之内（{0} 至 {1}）。", "The time must lie within the activity's ({0} to {1})."),
        ["name-invisible"] = ("名称须包含可见的文字，不能只有空格或不可见字符。", "A name needs a visible character; spaces and invisible characters alone are not a name."),
        ["name-bidi-control"] = ("名称不能包含文字方向控制字符（U+202A–U+202E、U+2066–U+2069）。", "A name may not contain bidi override or isolate characters (U+202A–U+202E, U+2066–U+2069)."),
        ["no-hours-in-year"] = ("{0} 年没有经审核的服务时长，无法开具志愿服务证明。", "No approved service hours in {0}: there is nothing to certify."),
        ["certificate-future-year"] = ("{0} 年尚未开始，无法开具志愿服务证明。", "{0} has not begun: there is nothing to certify yet."),
        ["certificate-not-issued"] = ("{0} 年按当前服务时长的志愿服务证明尚未开具；管理员、员工或客户端密钥可开具。", "No certificate of the current figures for {0} has been issued yet; an admin, staff or client key issues it."),
        ["rename-needs-staff"] = ("只有员工或管理员密钥可以更正志愿者姓名。", "Only staff or admin keys may correct a volunteer's name."),
        ["format-unsupported"] = ("此接口不提供 format={0}，可用：{1}。", "This endpoint does not answer format={0}; it answers: {1}."),
    };

    private static readonly Dictionary<string, string> ChineseNouns = new(StringComparer.Ordinal)
    {
        ["community"] = "社区",
        ["volunteer"] = "志愿者",
        ["api-key"] = "API 密钥",
        ["rules"] = "规则",
        ["service-record"] = "服务记录",
        ["activity"] = "活动",
        ["reward"] = "奖品",
        ["redemption"] = "兑换记录",
        ["certificate"] = "证明",
        ["receipt"] = "兑换单",
        ["expiry"] = "积分到期年度",
    };

    public static string Noun(string key) => IsEnglish ? key : ChineseNoun(key);

    /// <summary>The Chinese noun whatever the request's language: for the Chinese form of an export.</summary>
    public static string ChineseNoun(string key) => ChineseNouns.GetValueOrDefault(key, key);

    public static bool IsEnglish => CultureInfo.CurrentUICulture.TwoLetterISOLanguageName == "en";

    public static string Get(string key, params object?[] args)
    {
        if (!Catalog.TryGetValue(key, out var message))
            return key;
        var template = IsEnglish ? message.En : message.Zh;
        return args.Length == 0 ? template : string.Format(CultureInfo.InvariantCulture, template, args);
    }

    /// <summary>The problem title for a status.</summary>
    public static string Title(int status) => status switch
    {
        400 => IsEnglish ? "Invalid request" : "请求无效",
        401 => IsEnglish ? "Unauthorized" : "未认证",
        403 => IsEnglish ? "Forbidden" : "无权访问",
        404 => IsEnglish ? "Not found" : "未找到",
        405 => IsEnglish ? "Method not allowed" : "不支持的请求方法",
        409 => IsEnglish ? "Conflict" : "冲突",
        422 => IsEnglish ? "Not acceptable under the rules" : "不符合规则",
        413 => IsEnglish ? "Payload too large" : "请求体过大",
        415 => IsEnglish ? "Unsupported media type" : "不支持的媒体类型",
        429 => IsEnglish ? "Too many requests" : "请求过于频繁",
        503 => IsEnglish ? "Service unavailable" : "服务暂不可用",
        _ when status >= 500 => IsEnglish ? "Internal error" : "内部错误",
        _ => IsEnglish ? "Request failed" : "请求失败",
    };
}
