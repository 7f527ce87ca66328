// The counter page: plain JS, no build, nothing fetched from elsewhere (it must work on a closed network). No inline
// scripts, styles or handlers anywhere, so the page runs under a strict Content-Security-Policy.
"use strict";

// Every sentence a counter worker reads. The error sentences are the page's own, one for every code a call of this
// page can get; the server's detail is shown only where it carries numbers (balance, stock, minutes) in plain words.
const T = {
  zh: {
    title: "积分超市 · 柜台", logout: "退出", loginTitle: "请输入员工密钥", loginHint: "密钥只保存在本标签页中，关闭后需重新输入。",
    login: "进入柜台", keyPlaceholder: "lk_…", find: "查找", findPlaceholder: "会员码（可扫码）、手机号或姓名", balance: "积分余额",
    switchCommunity: "切换社区", chooseTitle: "请选择要办理的社区", chooseFilter: "输入社区名称查找", noCommunity: "这个密钥下没有可以办理的社区，请联系管理员。",
    recordHours: "登记服务时长", category: "服务类别", start: "开始", end: "结束", score: "效果评分", recordApprove: "登记并审核通过",
    rewards: "可兑换奖品", receipt: "兑换小票", receiptNo: "小票号", volunteer: "志愿者", reward: "奖品", points: "积分", memberCode: "会员码",
    quantity: "数量", pointsToTake: "扣除积分", balanceAfter: "剩余积分", pointsSpent: "消耗积分", time: "时间", print: "打印小票",
    today: "今日兑换", pending: "待审核的服务记录", when: "时间", minutes: "分钟", redeem: "兑换", stock: "库存", cost: "积分",
    cancel: "取消", cancelled: "已取消", approve: "通过", reject: "驳回", back: "返回",
    confirmTitle: "请与志愿者核对后确认兑换", confirmRedeem: "确认兑换",
    notCounterKey: "这个密钥不能用于柜台：请使用员工密钥。", community: "社区", pointsNeeded: "需要积分",
    shortPointsTitle: "积分不够，不能兑换", shortStockTitle: "库存不够，不能兑换", shortBothTitle: "积分和库存都不够，不能兑换",
    shortPoints: (balance, needed) => `积分余额 ${balance}，这次需要 ${needed}，还差 ${needed - balance}。`,
    shortStock: (stock, wanted) => `库存只剩 ${stock}，这次要 ${wanted}。请减少数量或换一件奖品。`,
    cancelTitle: "取消这笔兑换", cancelWhat: (no, what) => `小票号 ${no}：${what}。取消后积分和库存会退回。`, cancelOk: "确认取消",
    cancelPresets: ["顾客退货", "选错了奖品", "选错了数量"],
    rejectTitle: "驳回这条服务记录", rejectWhat: (who, what) => `${who}：${what}`, rejectOk: "确认驳回",
    rejectPresets: ["时间填写有误", "重复登记", "未参加该活动"],
    reasonLabel: "原因（必填）", reasonNeeded: "请填写原因。",
    noMatch: "没有找到这位志愿者，请核对后重新输入。", pickOne: "找到多位志愿者，请核对后点选一位：", chooseVolunteer: "请先查找并选中一位志愿者。",
    otherCommunity: "这张会员卡不属于本社区，不能在这里办理。",
    expiring: (p, y) => `${p} 积分将于 ${y} 年底到期`, redeemed: (n) => `兑换成功，小票号 ${n}`,
    cancelledOk: "已取消，积分和库存已退回。", recorded: (m, p) => `已登记 ${m} 分钟，获得 ${p} 积分。`, approved: "已审核通过。", rejected: "已驳回。",
    none: "暂无", outOfStockShort: "缺货", inactive: "已停用", endBeforeStart: "结束时间要晚于开始时间。", fillTimes: "请填写开始和结束时间。",
    starsLabel: (n) => `${n} 星`,
    errors: {
      "unauthorized": "密钥不对，或已被停用。请核对后重新输入；仍不行请联系管理员。",
      "forbidden": "这个密钥没有权限办理这件事，请使用本社区的员工密钥。",
      "not-found:redeem": "找不到这位志愿者或这件奖品，请重新查找后再试。",
      "not-found:cancel": "找不到这笔兑换，请刷新页面。",
      "not-found:decide": "找不到这条服务记录，请刷新页面。",
      "not-found:record": "找不到这位志愿者，请重新查找。",
      "not-found": "找不到要找的信息，请刷新页面。",
      "insufficient-points": "积分不够，不能兑换。",
      "out-of-stock": "库存不够，请减少数量或换一件奖品。",
      "reward-inactive": "这件奖品已下架，不能兑换了。",
      "volunteer-inactive": "这位志愿者已停用，不能兑换，也不能登记时长。",
      "already-cancelled": "这笔兑换已经取消过了。",
      "record-not-pending": "这条记录已经有人处理过了，列表已刷新。",
      "record-not-approved": "只有已通过的记录才能撤销。",
      "overlapping-record": "这段时间和这位志愿者已登记的记录重叠了，请核对时间。",
      "daily-cap-exceeded": "这一天登记的时长超过了每日上限，请核对时间。",
      "too-short": "服务时长太短，不到登记的最低时长。",
      "future-time": "结束时间不能晚于现在。",
      "too-old": "开始时间太早了，超过了可以补登记的天数。",
      "no-rules": "这个时间早于本社区积分规则开始的日期，不能登记。",
      "idempotency-key-reused": "这笔操作刚才已经提交过了，请刷新页面查看结果，不要重复办理。",
      "consent-required": "本社区兑换需要志愿者在小程序上出示的确认码，本页面还不能办理，请联系管理员。",
      "consent-invalid": "确认码不对或已过期，请让志愿者重新获取。",
      "payload-too-large": "填写的内容太长了，请删减后再试。",
      "rate-limited": "操作太快了，请等几秒再试。",
      "unavailable": "系统正在重启，请稍等一会儿再试。",
      "server": "系统暂时出了问题，请稍后再试；一直不行请联系管理员。",
      "network": "网络连不上，请检查网络后再试。",
      "network:redeem": "网络断了，不知道这次兑换是否成功。请再点一次“确认兑换”，不会重复扣分。",
      "validation": "有内容没有填对，请检查后再试。",
      "validation:fields": (fields) => `这些内容没有填对：${fields}。请检查后再试。`,
      "other": "没有办成，请刷新页面后再试；一直不行请联系管理员。",
    },
    fields: {
      quantity: "数量", reason: "原因", score: "效果评分", startedAt: "开始时间", endedAt: "结束时间", category: "服务类别",
      q: "查找内容", description: "说明", volunteerId: "志愿者", memberCode: "会员码", rewardId: "奖品",
    },
    categories: {
      "elderly-care": "为老服务", patrol: "平安巡逻", environment: "环境整治", "anti-fraud": "反诈宣传",
      epidemic: "疫情防控", culture: "文化活动", "garbage-sorting": "垃圾分类",
    },
  },
  en: {
    title: "Points shop · Counter", logout: "Sign out", loginTitle: "Enter your staff key", loginHint: "The key stays in this tab only; you enter it again after closing.",
    login: "Open the counter", keyPlaceholder: "lk_…", find: "Find", findPlaceholder: "Member code (scan the card), phone or name", balance: "Points",
    switchCommunity: "Switch community", chooseTitle: "Choose the community you serve", chooseFilter: "Type part of the name", noCommunity: "This key has no community to serve; ask the administrator.",
    recordHours: "Record service hours", category: "Category", start: "Start", end: "End", score: "Score", recordApprove: "Record and approve",
    rewards: "Rewards", receipt: "Receipt", receiptNo: "Receipt no.", volunteer: "Volunteer", reward: "Reward", points: "Points", memberCode: "Member code",
    quantity: "Quantity", pointsToTake: "Points to take", balanceAfter: "Points left", pointsSpent: "Points spent", time: "Time", print: "Print receipt",
    today: "Today's redemptions", pending: "Hours waiting for approval", when: "When", minutes: "Minutes", redeem: "Redeem", stock: "In stock", cost: "points",
    cancel: "Cancel", cancelled: "cancelled", approve: "Approve", reject: "Reject", back: "Back",
    confirmTitle: "Check with the volunteer, then confirm", confirmRedeem: "Confirm",
    notCounterKey: "This key cannot be used at the counter: use a staff key.", community: "Community", pointsNeeded: "Points needed",
    shortPointsTitle: "Not enough points to redeem", shortStockTitle: "Not enough in stock to redeem", shortBothTitle: "Not enough points or stock to redeem",
    shortPoints: (balance, needed) => `The balance is ${balance}; this needs ${needed}, ${needed - balance} more.`,
    shortStock: (stock, wanted) => `Only ${stock} left in stock; this needs ${wanted}. Lower the quantity or pick another reward.`,
    cancelTitle: "Cancel this redemption", cancelWhat: (no, what) => `Receipt ${no}: ${what}. Points and stock go back.`, cancelOk: "Cancel it",
    cancelPresets: ["Returned", "Wrong reward", "Wrong quantity"],
    rejectTitle: "Reject these hours", rejectWhat: (who, what) => `${who}: ${what}`, rejectOk: "Reject",
    rejectPresets: ["Wrong times", "Recorded twice", "Did not attend"],
    reasonLabel: "Reason (required)", reasonNeeded: "Please give a reason.",
    noMatch: "No such volunteer; check and type again.", pickOne: "Several found; check and pick one:", chooseVolunteer: "Find and pick a volunteer first.",
    otherCommunity: "This card belongs to another community and cannot be used here.",
    expiring: (p, y) => `${p} points expire at the end of ${y}`, redeemed: (n) => `Redeemed, receipt ${n}`,
    cancelledOk: "Cancelled; points and stock are back.", recorded: (m, p) => `Recorded ${m} minutes, ${p} points.`, approved: "Approved.", rejected: "Rejected.",
    none: "None yet", outOfStockShort: "Out of stock", inactive: "inactive", endBeforeStart: "The end must be after the start.", fillTimes: "Fill in the start and the end.",
    starsLabel: (n) => `${n} stars`,
    errors: {
      "unauthorized": "The key is wrong or no longer works. Check it and enter it again, or ask the administrator.",
      "forbidden": "This key may not do that; use a staff key of this community.",
      "not-found:redeem": "The volunteer or the reward is not there any more; find the volunteer again.",
      "not-found:cancel": "That redemption is not there; reload the page.",
      "not-found:decide": "Those hours are not there; reload the page.",
      "not-found:record": "The volunteer is not there; find them again.",
      "not-found": "Not found; reload the page.",
      "insufficient-points": "Not enough points for this.",
      "out-of-stock": "Not enough in stock; lower the quantity or pick another reward.",
      "reward-inactive": "This reward has been withdrawn.",
      "volunteer-inactive": "This volunteer is inactive: no redemptions, no hours.",
      "already-cancelled": "This redemption was already cancelled.",
      "record-not-pending": "Someone has already dealt with these hours; the list is updated.",
      "record-not-approved": "Only approved hours can be reversed.",
      "overlapping-record": "These times overlap hours already recorded for this volunteer; check the times.",
      "daily-cap-exceeded": "That is more than the daily limit for one day; check the times.",
      "too-short": "Too short: below the minimum that can be recorded.",
      "future-time": "The end cannot be later than now.",
      "too-old": "The start is too long ago to be recorded.",
      "no-rules": "That is before this community's points rules began; it cannot be recorded.",
      "idempotency-key-reused": "This was already sent; reload the page to see the result and do not repeat it.",
      "consent-required": "This community needs the volunteer's confirmation code from the mini-program, which this page cannot take yet; ask the administrator.",
      "consent-invalid": "The confirmation code is wrong or expired; ask the volunteer for a new one.",
      "payload-too-large": "That is too much text; shorten it and try again.",
      "rate-limited": "Too fast; wait a few seconds and try again.",
      "unavailable": "The system is restarting; try again in a moment.",
      "server": "Something went wrong on the server; try again later, or tell the administrator if it goes on.",
      "network": "No connection; check the network and try again.",
      "network:redeem": "The connection dropped, so it is not known whether this went through. Press Confirm again: it will not charge twice.",
      "validation": "Something is not filled in right; check and try again.",
      "validation:fields": (fields) => `Not filled in right: ${fields}. Check and try again.`,
      "other": "That did not work; reload the page and try again, or tell the administrator.",
    },
    fields: {
      quantity: "quantity", reason: "reason", score: "score", startedAt: "start", endedAt: "end", category: "category",
      q: "search", description: "description", volunteerId: "volunteer", memberCode: "member code", rewardId: "reward",
    },
    categories: {
      "elderly-care": "Elderly care", patrol: "Patrol", environment: "Environment", "anti-fraud": "Anti-fraud",
      epidemic: "Epidemic control", culture: "Culture", "garbage-sorting": "Waste sorting",
    },
  },
};

// Codes whose server detail is a plain sentence with the numbers the worker needs ("积分不足：余额 70，需要 90。").
const DETAIL_WORTH_SHOWING = new Set(["insufficient-points", "out-of-stock", "already-cancelled", "too-short", "too-old", "daily-cap-exceeded"]);

const $ = (id) => document.getElementById(id);
const state = {
  lang: localStorage.getItem("counterLang") || "zh",
  key: sessionStorage.getItem("ledgerKey"),
  // The signed-in key as GET /me describes it (name, role, community).
  me: null,
  communities: [],
  community: null,
  categories: [],
  volunteer: null,
  balance: null,
  summary: null,
  matches: [],
  receipt: null,
  names: new Map(),
  // One Idempotency-Key per intended action, kept until the server has answered it.
  keys: new Map(),
  findSeq: 0,
  // The redemption the confirmation dialog shows, and the action the reason dialog will send.
  pending: null,
  confirmOpenedAt: 0,
  reasonSend: null,
};
const words = () => T[state.lang];
const t = (k, ...a) => { const v = words()[k] ?? T.zh[k] ?? k; return typeof v === "function" ? v(...a) : v; };
const locale = () => (state.lang === "en" ? "en-GB" : "zh-CN");
const joined = (...parts) => parts.join(state.lang === "en" ? ", " : "，");

function applyLanguage() {
  document.documentElement.lang = state.lang === "en" ? "en" : "zh-CN";
  document.title = t("title");
  document.querySelectorAll("[data-t]").forEach((el) => { el.textContent = t(el.dataset.t); });
  document.querySelectorAll("[data-tp]").forEach((el) => { el.placeholder = t(el.dataset.tp); });
  $("lang").textContent = state.lang === "en" ? "中文" : "English";
}

// crypto.randomUUID needs a secure context, which a counter on a LAN address is not.
function newKey() {
  const b = crypto.getRandomValues(new Uint8Array(16));
  return Array.from(b, (x) => x.toString(16).padStart(2, "0")).join("");
}

const keyFor = (intent) => { if (!state.keys.has(intent)) state.keys.set(intent, newKey()); return state.keys.get(intent); };

/**
 * Calls the API; a failure comes back as { ok: false, code, status, detail, fields, network }, and say() turns it into a
 * sentence for the worker. A 401 anywhere sends the page back to the login.
 */
async function api(method, url, body, idempotencyKey) {
  const headers = { "Authorization": `Bearer ${state.key}`, "Accept-Language": state.lang === "en" ? "en" : "zh-CN" };
  if (body !== undefined) headers["Content-Type"] = "application/json";
  if (idempotencyKey) headers["Idempotency-Key"] = idempotencyKey;
  let response;
  try {
    response = await fetch(url, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  } catch {
    return { ok: false, network: true };
  }
  let data = null;
  try {
    const text = await response.text();
    data = text ? JSON.parse(text) : null;
  } catch {
    data = null;
  }
  if (response.ok) return { ok: true, data };
  const failure = { ok: false, status: response.status, code: data?.code, detail: data?.detail, fields: Object.keys(data?.errors || {}) };
  if (response.status === 401) signOut(say(failure));
  return failure;
}

/** The sentence a counter worker reads for a failed call; `what` names the action where a code means different things. */
function say(r, what) {
  const e = words().errors;
  if (r.network) return e[`network:${what}`] || e.network;
  const code = r.code;
  if (r.status === 401) return e.unauthorized;
  if (r.status === 403) return e.forbidden;
  if (r.status === 404) return e[`not-found:${what}`] || e["not-found"];
  if (r.status === 413) return e["payload-too-large"];
  if (r.status === 429) return e["rate-limited"];
  if (r.status === 503) return e.unavailable;
  if (r.status >= 500) return e.server;
  if (code === "validation" && r.status === 422) return e["no-rules"];
  if (code === "validation") {
    const labels = [...new Set(r.fields.map((f) => words().fields[f.split(/[.[]/)[0]]).filter(Boolean))];
    return labels.length ? e["validation:fields"](labels.join(state.lang === "en" ? ", " : "、")) : e.validation;
  }
  if (code && e[code]) return DETAIL_WORTH_SHOWING.has(code) && r.detail ? r.detail : e[code];
  return e.other;
}

function toast(message) {
  const el = $("toast");
  el.textContent = message;
  el.hidden = false;
  clearTimeout(toast.timer);
  toast.timer = setTimeout(() => { el.hidden = true; }, 3500);
}

function notice(message) {
  $("notice").textContent = message || "";
  $("notice").hidden = !message;
}

function show(section) {
  for (const id of ["login", "choose", "desk"]) $(id).hidden = id !== section;
  $("logout").hidden = section === "login";
  $("switch-community").hidden = section !== "desk" || state.communities.length < 2;
}

function signOut(message) {
  sessionStorage.removeItem("ledgerKey");
  state.key = null;
  state.me = null;
  state.community = null;
  state.communities = [];
  clearSelection();
  for (const d of document.querySelectorAll("dialog[open]")) d.close();
  show("login");
  notice("");
  $("community").textContent = "";
  $("key-name").textContent = "";
  $("login-error").textContent = message || "";
  $("key").focus();
}

// Only staff and admin keys work the counter. Any other key (a mini-program's client key, an auditor's) stays on the
// login: it would otherwise open a desk whose every button it is refused only once pressed.
const COUNTER_ROLES = new Set(["staff", "admin"]);

async function signIn() {
  $("login-error").textContent = "";
  const me = await api("GET", "/api/v1/me");
  if (!me.ok) { if (me.status !== 401) signOut(say(me)); return; }
  if (!COUNTER_ROLES.has(me.data.role)) { signOut(t("notCounterKey")); return; }
  state.me = me.data;
  $("key-name").textContent = me.data.name;
  const communities = [];
  let cursor = null;
  do {
    const r = await api("GET", `/api/v1/communities?limit=200${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ""}`);
    if (!r.ok) { if (r.status !== 401) signOut(say(r)); return; }
    communities.push(...r.data.items);
    cursor = r.data.nextCursor;
  } while (cursor);
  state.communities = communities;
  if (communities.length === 0) { signOut(t("noCommunity")); return; }
  const remembered = communities.find((c) => String(c.id) === sessionStorage.getItem("counterCommunity"));
  if (communities.length === 1 || remembered) await enter(remembered || communities[0]);
  else chooseCommunity();
}

// An admin key sees every community; the page works inside one, so that no list mixes two communities' rewards.
function chooseCommunity() {
  show("choose");
  $("community").textContent = "";
  $("choose-filter").value = "";
  renderChoices();
  $("choose-filter").focus();
}

function renderChoices() {
  const filter = $("choose-filter").value.trim();
  const list = $("choose-list");
  list.replaceChildren();
  for (const c of state.communities.filter((x) => !filter || `${x.name}${x.street}${x.district}`.includes(filter)).slice(0, 50)) {
    const b = document.createElement("button");
    b.type = "button";
    b.textContent = `${c.name} · ${c.street} · ${c.district}`;
    b.addEventListener("click", () => enter(c));
    const li = document.createElement("li");
    li.append(b);
    list.append(li);
  }
}

async function enter(community) {
  state.community = community;
  sessionStorage.setItem("counterCommunity", String(community.id));
  $("community").textContent = community.name;
  clearSelection();
  $("q").value = "";
  state.receipt = null;
  $("receipt").hidden = true;
  show("desk");
  notice("");
  defaultHours();
  await loadCategories();
  await Promise.all([loadRewards(), loadToday(), loadPending()]);
  $("q").focus();
}

const inCommunity = (url) => `${url}${url.includes("?") ? "&" : "?"}communityId=${state.community.id}`;

const stars = (n) => "★".repeat(n) + "☆".repeat(Math.max(0, 5 - n));
const zone = () => state.community?.timeZone || undefined;
const formatIn = (options) => {
  try {
    return new Intl.DateTimeFormat(locale(), { ...options, timeZone: zone(), hourCycle: "h23" });
  } catch {
    return new Intl.DateTimeFormat(locale(), { ...options, hourCycle: "h23" });
  }
};
// Times as the community's clock shows them: the receipt, the pending hours.
const longTime = (iso) => formatIn({ year: "numeric", month: "long", day: "numeric", hour: "2-digit", minute: "2-digit" }).format(new Date(iso));
const shortTime = (iso) => formatIn({ month: state.lang === "en" ? "short" : "long", day: "numeric", hour: "2-digit", minute: "2-digit" }).format(new Date(iso));
const clockTime = (iso) => formatIn({ hour: "2-digit", minute: "2-digit" }).format(new Date(iso));
// expiringSoon.at is the instant the points lapse: the local midnight that starts the year after. They last through the year before it.
const lastYear = (iso) => formatIn({ year: "numeric" }).formatToParts(new Date(Date.parse(iso) - 1)).find((p) => p.type === "year").value;

// The wall clock of the community at an instant, and back: the counter's device may be set to another zone.
function wallAt(date) {
  const parts = Object.fromEntries(formatIn({ year: "numeric", month: "numeric", day: "numeric", hour: "numeric", minute: "numeric", second: "numeric" })
    .formatToParts(date).map((p) => [p.type, +p.value]));
  return { ...parts, hour: parts.hour % 24 };
}
const offsetAt = (date) => {
  const w = wallAt(date);
  return Date.UTC(w.year, w.month - 1, w.day, w.hour, w.minute, w.second) - Math.floor(date.getTime() / 1000) * 1000;
};
/** "2026-12-03T09:00" read on the community's clock, as an instant. */
function fromWall(value) {
  const m = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})/.exec(value || "");
  if (!m) return null;
  const guess = Date.UTC(+m[1], +m[2] - 1, +m[3], +m[4], +m[5]);
  return new Date(guess - offsetAt(new Date(guess - offsetAt(new Date(guess)))));
}
const pad = (n) => String(n).padStart(2, "0");
const toWall = (date) => { const w = wallAt(date); return `${w.year}-${pad(w.month)}-${pad(w.day)}T${pad(w.hour)}:${pad(w.minute)}`; };

/** The instant the community's day began (its "today" for the redemption list). */
const communityMidnight = () => fromWall(`${toWall(new Date()).slice(0, 10)}T00:00`);

// The pick list shows a phone only as 139****5678: enough to tell two namesakes apart across the counter, whoever stands near.
function maskPhone(phone) {
  const digits = String(phone || "").replace(/[\s-]/g, "").replace(/^\+?86(?=1\d{10}$)/, "");
  return digits.length >= 7 ? `${digits.slice(0, 3)}****${digits.slice(-4)}` : "****";
}

const categoryLabel = (c) => words().categories[c] || c;

async function loadCategories() {
  const r = await api("GET", `/api/v1/communities/${state.community.id}/rules`);
  const own = r.ok ? Object.keys(r.data.current?.categoryMultipliers || {}) : [];
  state.categories = [...new Set([...Object.keys(T.zh.categories), ...own])];
  renderCategories();
}

function renderCategories() {
  const select = $("h-category");
  const chosen = select.value;
  select.replaceChildren(...state.categories.map((c) => new Option(categoryLabel(c), c)));
  if (state.categories.includes(chosen)) select.value = chosen;
}

// A new search forgets the person served before, so the next tap on 兑换 can never charge them.
function clearSelection() {
  state.volunteer = null;
  state.balance = null;
  state.summary = null;
  state.matches = [];
  $("volunteer").hidden = true;
  $("hours").open = false;
  $("hours-msg").textContent = "";
  $("matches").replaceChildren();
  findMessage("");
  $("redeem-error").textContent = "";
}

function findMessage(text, hint) {
  $("find-msg").textContent = text;
  $("find-msg").className = hint ? "hint" : "error";
}

async function find(q) {
  const seq = ++state.findSeq;
  clearSelection();
  $("receipt").hidden = true;
  state.receipt = null;
  if (!q) return;
  const code = q.replace(/[\s-]/g, "").toUpperCase();
  if (/^[2-9A-HJKMNP-TV-Z]{8}$/.test(code)) {
    const byCode = await api("GET", `/api/v1/volunteers/by-code/${encodeURIComponent(code)}`);
    if (seq !== state.findSeq) return;
    if (byCode.ok) {
      if (byCode.data.communityId !== state.community.id) { findMessage(t("otherCommunity")); return; }
      await select(byCode.data, seq);
      return;
    }
  }
  const r = await api("GET", inCommunity(`/api/v1/volunteers?q=${encodeURIComponent(q)}&limit=20`));
  if (seq !== state.findSeq) return;
  if (!r.ok) { findMessage(say(r, "find")); return; }
  const items = r.data.items;
  if (items.length === 0) { findMessage(t("noMatch")); return; }
  if (items.length === 1) { await select(items[0], seq); return; }
  state.matches = items;
  renderMatches();
}

function renderMatches() {
  $("matches").replaceChildren();
  if (state.matches.length === 0) return;
  findMessage(t("pickOne"), true);
  for (const v of state.matches) {
    const b = document.createElement("button");
    b.type = "button";
    b.textContent = [v.name, v.memberCode, maskPhone(v.phone), v.grid, v.status === "inactive" ? t("inactive") : null].filter(Boolean).join(" · ");
    b.addEventListener("click", () => {
      state.matches = [];
      $("matches").replaceChildren();
      findMessage("");
      select(v, state.findSeq);
    });
    const li = document.createElement("li");
    li.append(b);
    $("matches").append(li);
  }
}

async function select(v, seq) {
  if (seq !== state.findSeq) return;
  state.volunteer = v;
  state.balance = null;
  renderVolunteer();
  $("v-balance").textContent = "…";
  $("v-stars").textContent = "";
  $("v-expiring").textContent = "";
  $("volunteer").hidden = false;
  await refreshSummary();
}

function renderVolunteer() {
  const v = state.volunteer;
  if (!v) return;
  $("v-name").textContent = v.name + (v.status === "inactive" ? `（${t("inactive")}）` : "");
  $("v-code").textContent = v.memberCode;
  $("v-grid").textContent = [v.grid, v.buildingGroup].filter(Boolean).join(" ");
}

async function refreshSummary() {
  const v = state.volunteer;
  if (!v) return;
  const r = await api("GET", `/api/v1/volunteers/${v.id}/summary`);
  if (state.volunteer !== v) return;
  if (!r.ok) { findMessage(say(r, "record")); return; }
  state.balance = r.data.balance;
  state.summary = r.data;
  renderSummary();
}

function renderSummary() {
  const s = state.summary;
  if (!state.volunteer || !s || s.volunteerId !== state.volunteer.id) return;
  $("v-balance").textContent = s.balance;
  $("v-stars").textContent = stars(s.stars);
  $("v-stars").title = t("starsLabel", s.stars);
  $("v-expiring").textContent = s.expiringSoon ? t("expiring", s.expiringSoon.points, lastYear(s.expiringSoon.at)) : "";
}

async function loadRewards() {
  const r = await api("GET", inCommunity("/api/v1/rewards?active=true&limit=200"));
  const box = $("rewards");
  box.replaceChildren();
  if (!r.ok) { $("redeem-error").textContent = say(r, "load"); return; }
  if (r.data.items.length === 0) { box.textContent = t("none"); return; }
  for (const w of r.data.items) box.append(rewardCard(w));
}

function rewardCard(w) {
  const el = (tag, className, text) => { const e = document.createElement(tag); if (className) e.className = className; if (text !== undefined) e.textContent = text; return e; };
  const card = el("div", "reward");
  card.dataset.rewardId = w.id;
  const meta = el("div", "meta");
  meta.append(el("span", "cost", `${w.pointsCost} ${t("cost")}`), el("span", "stock", w.stock > 0 ? `${t("stock")} ${w.stock}` : t("outOfStockShort")));
  const qty = el("input");
  Object.assign(qty, { type: "number", min: 1, max: 99, value: 1, inputMode: "numeric" });
  qty.setAttribute("aria-label", t("quantity"));
  const minus = el("button", "minus", "−");
  const plus = el("button", "plus", "+");
  minus.type = plus.type = "button";
  minus.addEventListener("click", () => { qty.value = Math.max(1, (+qty.value || 1) - 1); });
  plus.addEventListener("click", () => { qty.value = Math.min(99, (+qty.value || 1) + 1); });
  const row = el("div", "qty");
  row.append(minus, qty, plus);
  const redeem = el("button", "primary redeem", t("redeem"));
  redeem.type = "button";
  redeem.disabled = w.stock <= 0;
  redeem.addEventListener("click", () => askToRedeem(w, qty));
  card.append(el("div", "name", w.name), meta, row, redeem);
  return card;
}

// Points are taken only after the worker has read back who, what and how much in this dialog and confirmed it.
function askToRedeem(reward, qtyInput) {
  $("redeem-error").textContent = "";
  const dialog = $("confirm");
  if (dialog.open) return;
  const v = state.volunteer;
  if (!v) { $("redeem-error").textContent = t("chooseVolunteer"); $("q").focus(); return; }
  const quantity = Math.min(99, Math.max(1, parseInt(qtyInput.value, 10) || 1));
  qtyInput.value = quantity;
  const points = reward.pointsCost * quantity;
  // What the page already knows cannot go through is said here, with the numbers, and is not offered for confirmation.
  // The server still decides: a balance or stock that changed elsewhere since it was shown is refused there.
  const shortOfPoints = state.balance !== null && points > state.balance;
  const shortOfStock = quantity > reward.stock;
  const short = shortOfPoints || shortOfStock;
  state.pending = short ? null : { volunteer: v, reward, quantity, points };
  $("confirm-title").textContent = t(shortOfPoints && shortOfStock ? "shortBothTitle" : shortOfPoints ? "shortPointsTitle" : shortOfStock ? "shortStockTitle" : "confirmTitle");
  $("c-name").textContent = v.name;
  $("c-code").textContent = v.memberCode;
  $("c-reward").textContent = reward.name;
  $("c-quantity").textContent = String(quantity);
  $("c-points-label").textContent = t(short ? "pointsNeeded" : "pointsToTake");
  $("c-points").textContent = String(points);
  $("c-after").textContent = state.balance === null ? "—" : String(state.balance - points);
  $("c-after-label").hidden = $("c-after").hidden = short;
  $("confirm-short").replaceChildren(...[
    shortOfPoints ? t("shortPoints", state.balance, points) : null,
    shortOfStock ? t("shortStock", reward.stock, quantity) : null,
  ].filter(Boolean).map((line) => { const p = document.createElement("p"); p.textContent = line; return p; }));
  $("confirm-short").hidden = !short;
  $("confirm-error").textContent = "";
  $("confirm-ok").disabled = short;
  $("confirm-ok").hidden = short;
  dialog.showModal();
  // A double tap on 兑换 must not land its second tap on 确认 if the button happens to sit under the finger.
  state.confirmOpenedAt = performance.now();
  $("confirm-back").focus();
}

async function confirmRedeem() {
  const p = state.pending;
  if (!p || $("confirm-ok").disabled || performance.now() - state.confirmOpenedAt < 400) return;
  // One key per intended redemption: a double tap, or a retry after a dropped connection, redeems once.
  const intent = `redeem:${p.volunteer.id}:${p.reward.id}:${p.quantity}`;
  $("confirm-ok").disabled = true;
  $("confirm-back").disabled = true;
  const r = await api("POST", "/api/v1/redemptions", { volunteerId: p.volunteer.id, rewardId: p.reward.id, quantity: p.quantity }, keyFor(intent));
  $("confirm-back").disabled = false;
  if (r.network) { $("confirm-error").textContent = say(r, "redeem"); $("confirm-ok").disabled = false; return; }
  state.keys.delete(intent);
  state.pending = null;
  $("confirm").close();
  if (!r.ok) {
    $("redeem-error").textContent = say(r, "redeem");
    if (r.code === "reward-inactive" || r.code === "out-of-stock") await loadRewards();
    // Spent elsewhere since it was shown: the balance on screen catches up, so the next confirmation knows.
    if (r.code === "insufficient-points") await refreshSummary();
    return;
  }
  state.receipt = { ...r.data, community: state.community.name, who: `${p.volunteer.name} · ${p.volunteer.memberCode}` };
  renderReceipt();
  toast(t("redeemed", r.data.receiptNo));
  await Promise.all([refreshSummary(), loadRewards(), loadToday()]);
}

function closeConfirm() {
  state.pending = null;
  $("confirm").close();
}

function renderReceipt() {
  const d = state.receipt;
  $("receipt").hidden = !d;
  if (!d) return;
  $("r-community").textContent = d.community;
  $("r-no").textContent = d.receiptNo + (d.cancelled ? (state.lang === "en" ? ` (${t("cancelled")})` : `（${t("cancelled")}）`) : "");
  $("r-who").textContent = d.who;
  $("r-what").textContent = `${d.rewardName} × ${d.quantity}`;
  $("r-points").textContent = d.pointsSpent;
  $("r-balance").textContent = d.balanceAfter;
  $("r-time").textContent = longTime(d.createdAt);
}

async function loadToday() {
  const r = await api("GET", inCommunity(`/api/v1/redemptions?from=${encodeURIComponent(communityMidnight().toISOString())}&limit=200`));
  const body = $("today");
  body.replaceChildren();
  if (!r.ok) { notice(say(r, "load")); return; }
  if (r.data.items.length === 0) body.append(emptyRow(5));
  for (const x of r.data.items) {
    const tr = document.createElement("tr");
    if (x.status === "cancelled") tr.className = "cancelled";
    for (const text of [x.receiptNo, x.volunteerName, `${x.rewardName} × ${x.quantity}`, x.pointsSpent]) {
      const td = document.createElement("td");
      td.textContent = text;
      tr.append(td);
    }
    const td = document.createElement("td");
    if (x.status === "completed") {
      const b = document.createElement("button");
      b.type = "button";
      b.className = "danger";
      b.textContent = t("cancel");
      b.addEventListener("click", () => askReason({
        title: t("cancelTitle"), what: t("cancelWhat", x.receiptNo, joined(x.volunteerName, `${x.rewardName} × ${x.quantity}`, `${x.pointsSpent} ${t("cost")}`)),
        ok: t("cancelOk"), presets: t("cancelPresets"), send: (reason) => cancel(x, reason),
      }));
      td.append(b);
    } else {
      td.textContent = t("cancelled");
    }
    tr.append(td);
    body.append(tr);
  }
}

function emptyRow(columns) {
  const tr = document.createElement("tr");
  const td = document.createElement("td");
  td.colSpan = columns;
  td.className = "muted empty";
  td.textContent = t("none");
  tr.append(td);
  return tr;
}

// window.prompt is blocked by kiosk browsers: the reason is asked in the page.
function askReason({ title, what, ok, presets, send }) {
  const dialog = $("reason");
  if (dialog.open) return;
  $("reason-title").textContent = title;
  $("reason-what").textContent = what;
  $("reason-ok").textContent = ok;
  $("reason-ok").disabled = false;
  $("reason-text").value = "";
  $("reason-error").textContent = "";
  $("reason-presets").replaceChildren(...presets.map((p) => {
    const b = document.createElement("button");
    b.type = "button";
    b.className = "chip";
    b.textContent = p;
    b.addEventListener("click", () => { $("reason-text").value = p; $("reason-error").textContent = ""; });
    return b;
  }));
  state.reasonSend = send;
  dialog.showModal();
  $("reason-text").focus();
}

async function submitReason(e) {
  e.preventDefault();
  const reason = $("reason-text").value.trim();
  if (!reason) { $("reason-error").textContent = t("reasonNeeded"); $("reason-text").focus(); return; }
  if ($("reason-ok").disabled || !state.reasonSend) return;
  $("reason-ok").disabled = true;
  const message = await state.reasonSend(reason);
  $("reason-ok").disabled = false;
  if (message) { $("reason-error").textContent = message; return; }
  state.reasonSend = null;
  $("reason").close();
}

/** Returns a sentence to show in the dialog when it should stay open, nothing when done. */
async function cancel(x, reason) {
  const intent = `cancel:${x.id}`;
  const r = await api("POST", `/api/v1/redemptions/${x.id}/cancel`, { reason }, keyFor(intent));
  if (r.network) return say(r, "cancel");
  state.keys.delete(intent);
  if (r.status === 400) return say(r, "cancel");
  toast(r.ok ? t("cancelledOk") : say(r, "cancel"));
  if (r.ok && state.receipt?.receiptNo === x.receiptNo) { state.receipt.cancelled = true; renderReceipt(); }
  $("redeem-error").textContent = "";
  await Promise.all([refreshSummary(), loadRewards(), loadToday()]);
  return null;
}

async function loadPending() {
  const r = await api("GET", inCommunity("/api/v1/service-records?status=pending&limit=50"));
  const body = $("pending-list");
  if (!r.ok) { body.replaceChildren(); notice(say(r, "load")); return; }
  const items = r.data.items;
  await loadNames(items.map((x) => x.volunteerId));
  body.replaceChildren();
  if (items.length === 0) body.append(emptyRow(5));
  for (const x of items) body.append(pendingRow(x));
}

// Service records carry the volunteer's id only; each name is looked up once and kept for the session.
async function loadNames(ids) {
  const missing = [...new Set(ids)].filter((id) => !state.names.has(id));
  await Promise.all(missing.map(async (id) => {
    const r = await api("GET", `/api/v1/volunteers/${id}`);
    if (r.ok) state.names.set(id, r.data.name);
  }));
}

function pendingRow(x) {
  const tr = document.createElement("tr");
  const who = state.names.get(x.volunteerId) || "—";
  const when = `${shortTime(x.startedAt)}–${clockTime(x.endedAt)}`;
  for (const text of [who, categoryLabel(x.category), when, x.minutes]) {
    const td = document.createElement("td");
    td.textContent = text;
    tr.append(td);
  }
  const td = document.createElement("td");
  td.className = "decide";
  const score = document.createElement("select");
  score.className = "score";
  score.setAttribute("aria-label", t("score"));
  for (const s of [5, 4, 3, 2, 1]) score.append(new Option(String(s), String(s)));
  const approve = document.createElement("button");
  approve.type = "button";
  approve.className = "primary approve";
  approve.textContent = t("approve");
  approve.addEventListener("click", async () => {
    approve.disabled = true;
    const intent = `approve:${x.id}`;
    const a = await api("POST", `/api/v1/service-records/${x.id}/approve`, { score: +score.value }, keyFor(intent));
    if (!a.network) state.keys.delete(intent);
    approve.disabled = false;
    toast(a.ok ? t("approved") : say(a, "decide"));
    await Promise.all([loadPending(), refreshSummary()]);
  });
  const reject = document.createElement("button");
  reject.type = "button";
  reject.className = "danger reject";
  reject.textContent = t("reject");
  reject.addEventListener("click", () => askReason({
    title: t("rejectTitle"), what: t("rejectWhat", who, joined(categoryLabel(x.category), when, `${x.minutes} ${t("minutes")}`)),
    ok: t("rejectOk"), presets: t("rejectPresets"), send: (reason) => rejectRecord(x, reason),
  }));
  td.append(score, approve, reject);
  tr.append(td);
  return tr;
}

async function rejectRecord(x, reason) {
  const intent = `reject:${x.id}`;
  const r = await api("POST", `/api/v1/service-records/${x.id}/reject`, { reason }, keyFor(intent));
  if (r.network) return say(r, "decide");
  state.keys.delete(intent);
  if (r.status === 400) return say(r, "decide");
  toast(r.ok ? t("rejected") : say(r, "decide"));
  await loadPending();
  return null;
}

async function recordHours(e) {
  e.preventDefault();
  const msg = $("hours-msg");
  msg.className = "error";
  msg.textContent = "";
  const v = state.volunteer;
  if (!v) { msg.textContent = t("chooseVolunteer"); return; }
  // Sent as full ISO instants with their offset (toISOString), read from the fields on the community's clock.
  const start = fromWall($("h-start").value);
  const end = fromWall($("h-end").value);
  if (!start || !end) { msg.textContent = t("fillTimes"); return; }
  if (end <= start) { msg.textContent = t("endBeforeStart"); return; }
  const body = { volunteerId: v.id, category: $("h-category").value, startedAt: start.toISOString(), endedAt: end.toISOString(), approve: true, score: +$("h-score").value };
  const intent = `hours:${JSON.stringify(body)}`;
  const button = $("hours-form").querySelector("button[type=submit]");
  button.disabled = true;
  const r = await api("POST", "/api/v1/service-records", body, keyFor(intent));
  button.disabled = false;
  if (!r.network) state.keys.delete(intent);
  if (state.volunteer !== v) return;
  msg.className = r.ok ? "ok" : "error";
  msg.textContent = r.ok ? t("recorded", r.data.minutes, r.data.points) : say(r, "record");
  if (r.ok) await refreshSummary();
}

function defaultHours() {
  const end = new Date();
  end.setSeconds(0, 0);
  $("h-end").value = toWall(end);
  $("h-start").value = toWall(new Date(end.getTime() - 60 * 60 * 1000));
}

function rerender() {
  applyLanguage();
  for (const id of ["hours-msg", "redeem-error", "find-msg", "login-error"]) $(id).textContent = "";
  notice("");
  if (!state.community) return;
  renderCategories();
  renderVolunteer();
  renderSummary();
  renderMatches();
  renderReceipt();
  loadRewards();
  loadToday();
  loadPending();
}

$("lang").addEventListener("click", () => {
  state.lang = state.lang === "en" ? "zh" : "en";
  localStorage.setItem("counterLang", state.lang);
  rerender();
});
$("logout").addEventListener("click", () => { sessionStorage.removeItem("counterCommunity"); signOut(); });
$("switch-community").addEventListener("click", chooseCommunity);
$("choose-filter").addEventListener("input", renderChoices);
$("login-form").addEventListener("submit", (e) => {
  e.preventDefault();
  state.key = $("key").value.trim();
  sessionStorage.setItem("ledgerKey", state.key);
  $("key").value = "";
  signIn();
});
$("find-form").addEventListener("submit", (e) => { e.preventDefault(); find($("q").value.trim()); });
$("hours-form").addEventListener("submit", recordHours);
$("print").addEventListener("click", () => window.print());
$("confirm-ok").addEventListener("click", confirmRedeem);
$("confirm-back").addEventListener("click", closeConfirm);
$("confirm").addEventListener("cancel", () => { state.pending = null; });
$("reason-form").addEventListener("submit", submitReason);
$("reason-back").addEventListener("click", () => { state.reasonSend = null; $("reason").close(); });

applyLanguage();
defaultHours();
if (state.key) signIn(); else signOut();
