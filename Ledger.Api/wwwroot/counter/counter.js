// The counter page: plain JS, no build, nothing fetched from elsewhere (it must work on a closed network).
"use strict";

const T = {
  zh: {
    title: "积分超市 · 柜台", logout: "退出", loginTitle: "请输入员工密钥", loginHint: "密钥只保存在本标签页中，关闭后需重新输入。",
    login: "进入柜台", keyPlaceholder: "lk_…", find: "查找", findPlaceholder: "会员码（可扫码）、手机号或姓名", balance: "积分余额",
    recordHours: "登记服务时长", category: "服务类别", start: "开始", end: "结束", score: "效果评分", recordApprove: "登记并审核通过",
    rewards: "可兑换奖品", receipt: "兑换小票", receiptNo: "小票号", volunteer: "志愿者", reward: "奖品", points: "积分",
    balanceAfter: "剩余积分", pointsSpent: "消耗积分", time: "时间", print: "打印小票", today: "今日兑换", pending: "待审核的服务记录", volunteerId: "志愿者编号",
    when: "时间", minutes: "分钟", redeem: "兑换", stock: "库存", cost: "积分", cancel: "取消", cancelled: "已取消", approve: "通过",
    noMatch: "没有找到这位志愿者。", pickOne: "找到多位，请选择：", chooseVolunteer: "请先查找并选择志愿者。",
    expiring: (p, d) => `${p} 积分将于 ${d} 到期`, redeemed: (n) => `兑换成功，小票号 ${n}`, cancelReason: "取消原因（如：顾客退货）：",
    cancelledOk: "已取消，积分和库存已退回。", recorded: (m, p) => `已登记 ${m} 分钟，获得 ${p} 积分。`, approved: "已审核通过。",
    none: "暂无", outOfStockShort: "缺货", inactive: "已停用", badKey: "密钥无效或已撤销，请重新输入。", network: "网络异常，请重试（不会重复兑换）。",
    "cat_elderly-care": "为老服务", cat_patrol: "平安巡逻", cat_environment: "环境整治", "cat_anti-fraud": "反诈宣传",
    cat_epidemic: "疫情防控", cat_culture: "文化活动",
    codes: {
      "insufficient-points": "积分不足", "out-of-stock": "库存不足", "reward-inactive": "奖品已下架", "volunteer-inactive": "志愿者已停用",
      "already-cancelled": "该兑换已取消过", "not-found": "未找到", "forbidden": "无权操作", "validation": "填写有误",
      "overlapping-record": "与已有记录时间重叠", "daily-cap-exceeded": "超过每日时长上限", "too-short": "时长太短",
      "future-time": "结束时间不能晚于现在", "too-old": "时间太久远", "record-not-pending": "记录已处理",
    },
  },
  en: {
    title: "Points shop · Counter", logout: "Sign out", loginTitle: "Enter your staff key", loginHint: "The key stays in this tab only; you enter it again after closing.",
    login: "Open the counter", keyPlaceholder: "lk_…", find: "Find", findPlaceholder: "Member code (scan the card), phone or name", balance: "Points",
    recordHours: "Record service hours", category: "Category", start: "Start", end: "End", score: "Score", recordApprove: "Record and approve",
    rewards: "Rewards", receipt: "Receipt", receiptNo: "Receipt no.", volunteer: "Volunteer", reward: "Reward", points: "Points",
    balanceAfter: "Points left", pointsSpent: "Points spent", time: "Time", print: "Print receipt", today: "Today's redemptions", pending: "Hours waiting for approval", volunteerId: "Volunteer no.",
    when: "When", minutes: "Minutes", redeem: "Redeem", stock: "In stock", cost: "points", cancel: "Cancel", cancelled: "cancelled", approve: "Approve",
    noMatch: "No such volunteer.", pickOne: "Several found, pick one:", chooseVolunteer: "Find and pick a volunteer first.",
    expiring: (p, d) => `${p} points expire on ${d}`, redeemed: (n) => `Redeemed, receipt ${n}`, cancelReason: "Reason for cancelling (e.g. returned):",
    cancelledOk: "Cancelled; points and stock are back.", recorded: (m, p) => `Recorded ${m} minutes, ${p} points.`, approved: "Approved.",
    none: "None yet", outOfStockShort: "Out of stock", inactive: "inactive", badKey: "The key is unknown or revoked; enter it again.", network: "Network trouble, try again (it will not redeem twice).",
    "cat_elderly-care": "Elderly care", cat_patrol: "Patrol", cat_environment: "Environment", "cat_anti-fraud": "Anti-fraud",
    cat_epidemic: "Epidemic control", cat_culture: "Culture",
    codes: {
      "insufficient-points": "Not enough points", "out-of-stock": "Out of stock", "reward-inactive": "Reward withdrawn", "volunteer-inactive": "Volunteer inactive",
      "already-cancelled": "Already cancelled", "not-found": "Not found", "forbidden": "Not allowed", "validation": "Please check the input",
      "overlapping-record": "Overlaps another record", "daily-cap-exceeded": "Over the daily limit", "too-short": "Too short",
      "future-time": "The end is in the future", "too-old": "Too long ago", "record-not-pending": "Already handled",
    },
  },
};

const $ = (id) => document.getElementById(id);
const state = { lang: localStorage.getItem("counterLang") || "zh", key: sessionStorage.getItem("ledgerKey"), community: null, volunteer: null, rewardKeys: {} };
const t = (k, ...a) => { const v = T[state.lang][k] ?? T.zh[k] ?? k; return typeof v === "function" ? v(...a) : v; };

function applyLanguage() {
  document.documentElement.lang = state.lang === "en" ? "en" : "zh-CN";
  document.title = t("title");
  document.querySelectorAll("[data-t]").forEach((el) => { el.textContent = t(el.dataset.t); });
  document.querySelectorAll("[data-tp]").forEach((el) => { el.placeholder = t(el.dataset.tp); });
  $("lang").textContent = state.lang === "en" ? "中文" : "English";
}

// A key for one intended action; crypto.randomUUID needs a secure context, which a counter on a LAN address is not.
function newKey() {
  const b = crypto.getRandomValues(new Uint8Array(16));
  return Array.from(b, (x) => x.toString(16).padStart(2, "0")).join("");
}

async function api(method, url, body, idempotencyKey) {
  const headers = { "Authorization": `Bearer ${state.key}`, "Accept-Language": state.lang === "en" ? "en" : "zh-CN" };
  if (body !== undefined) headers["Content-Type"] = "application/json";
  if (idempotencyKey) headers["Idempotency-Key"] = idempotencyKey;
  let response;
  try {
    response = await fetch(url, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  } catch {
    return { ok: false, network: true, message: t("network") };
  }
  const text = await response.text();
  const data = text ? JSON.parse(text) : null;
  if (response.ok) return { ok: true, data };
  if (response.status === 401) { signOut(t("badKey")); }
  const code = data?.code;
  // The server's detail is already in the page's language and says the most (balance, stock…); the short label is the fallback.
  const fields = data?.errors ? Object.values(data.errors).flat().join(" ") : "";
  const message = [data?.detail || T[state.lang].codes[code] || `${response.status}`, fields].filter(Boolean).join(" ");
  return { ok: false, code, message };
}

function toast(message) {
  const el = $("toast");
  el.textContent = message;
  el.hidden = false;
  clearTimeout(toast.timer);
  toast.timer = setTimeout(() => { el.hidden = true; }, 3500);
}

function signOut(message) {
  sessionStorage.removeItem("ledgerKey");
  state.key = null;
  $("desk").hidden = true;
  $("logout").hidden = true;
  $("login").hidden = false;
  $("community").textContent = "";
  $("login-error").textContent = message || "";
}

async function signIn() {
  const r = await api("GET", "/api/v1/communities?limit=1");
  if (!r.ok) { signOut(r.message); return; }
  state.community = r.data.items[0] || null;
  $("community").textContent = state.community ? state.community.name : "";
  $("login").hidden = true;
  $("desk").hidden = false;
  $("logout").hidden = false;
  await Promise.all([loadRewards(), loadToday(), loadPending()]);
  $("q").focus();
}

const stars = (n) => "★".repeat(n) + "☆".repeat(Math.max(0, 5 - n));
const localDate = (iso) => new Date(iso).toLocaleDateString(state.lang === "en" ? "en" : "zh-CN");
const localTime = (iso) => new Date(iso).toLocaleString(state.lang === "en" ? "en" : "zh-CN", { hour12: false });

async function find(q) {
  $("find-error").textContent = "";
  $("matches").innerHTML = "";
  const code = q.replace(/[\s-]/g, "").toUpperCase();
  if (/^[2-9A-HJKMNP-TV-Z]{8}$/.test(code)) {
    const byCode = await api("GET", `/api/v1/volunteers/by-code/${encodeURIComponent(code)}`);
    if (byCode.ok) { await select(byCode.data); return; }
  }
  const r = await api("GET", `/api/v1/volunteers?q=${encodeURIComponent(q)}&limit=20`);
  if (!r.ok) { $("find-error").textContent = r.message; return; }
  const items = r.data.items;
  if (items.length === 0) { $("find-error").textContent = t("noMatch"); return; }
  if (items.length === 1) { await select(items[0]); return; }
  $("find-error").textContent = t("pickOne");
  for (const v of items) {
    const li = document.createElement("li");
    const b = document.createElement("button");
    b.type = "button";
    b.textContent = `${v.name} · ${v.memberCode} · ${v.phone}${v.status === "inactive" ? " · " + t("inactive") : ""}`;
    b.onclick = () => { $("matches").innerHTML = ""; $("find-error").textContent = ""; select(v); };
    li.append(b);
    $("matches").append(li);
  }
}

async function select(v) {
  state.volunteer = v;
  $("volunteer").hidden = false;
  $("v-name").textContent = v.name + (v.status === "inactive" ? ` (${t("inactive")})` : "");
  $("v-code").textContent = v.memberCode;
  $("v-grid").textContent = [v.grid, v.buildingGroup].filter(Boolean).join(" ");
  await refreshSummary();
}

async function refreshSummary() {
  if (!state.volunteer) return;
  const r = await api("GET", `/api/v1/volunteers/${state.volunteer.id}/summary`);
  if (!r.ok) { $("find-error").textContent = r.message; return; }
  const s = r.data;
  $("v-balance").textContent = s.balance;
  $("v-stars").textContent = stars(s.stars);
  $("v-expiring").textContent = s.expiringSoon ? t("expiring", s.expiringSoon.points, localDate(s.expiringSoon.at)) : "";
}

async function loadRewards() {
  const r = await api("GET", "/api/v1/rewards?active=true&limit=200");
  const box = $("rewards");
  box.innerHTML = "";
  if (!r.ok) { $("redeem-error").textContent = r.message; return; }
  if (r.data.items.length === 0) { box.textContent = t("none"); return; }
  for (const w of r.data.items) {
    const card = document.createElement("div");
    card.className = "reward";
    card.dataset.rewardId = w.id;
    card.innerHTML = `<div class="name"></div><div class="meta"><span class="cost"></span><span class="stock"></span></div>
      <div class="qty"><button type="button" class="minus" aria-label="-">−</button><input type="number" min="1" max="99" value="1" inputmode="numeric"><button type="button" class="plus" aria-label="+">+</button></div>
      <button type="button" class="primary redeem"></button>`;
    card.querySelector(".name").textContent = w.name;
    card.querySelector(".cost").textContent = `${w.pointsCost} ${t("cost")}`;
    card.querySelector(".stock").textContent = w.stock > 0 ? `${t("stock")} ${w.stock}` : t("outOfStockShort");
    const qty = card.querySelector("input");
    card.querySelector(".minus").onclick = () => { qty.value = Math.max(1, (+qty.value || 1) - 1); };
    card.querySelector(".plus").onclick = () => { qty.value = Math.min(99, (+qty.value || 1) + 1); };
    const button = card.querySelector(".redeem");
    button.textContent = t("redeem");
    button.disabled = w.stock <= 0;
    button.onclick = () => redeem(w, qty, button);
    box.append(card);
  }
}

async function redeem(reward, qtyInput, button) {
  $("redeem-error").textContent = "";
  if (!state.volunteer) { $("redeem-error").textContent = t("chooseVolunteer"); return; }
  const quantity = Math.min(99, Math.max(1, parseInt(qtyInput.value, 10) || 1));
  // One key per intended redemption: a double tap, or a retry after a dropped connection, redeems once.
  const intent = `${state.volunteer.id}:${reward.id}:${quantity}`;
  const key = state.rewardKeys[intent] ||= newKey();
  button.disabled = true;
  const r = await api("POST", "/api/v1/redemptions", { volunteerId: state.volunteer.id, rewardId: reward.id, quantity }, key);
  button.disabled = false;
  if (r.network) { $("redeem-error").textContent = r.message; return; }
  delete state.rewardKeys[intent];
  if (!r.ok) { $("redeem-error").textContent = r.message; return; }
  $("redeem-error").textContent = "";
  showReceipt(r.data);
  toast(t("redeemed", r.data.receiptNo));
  await Promise.all([refreshSummary(), loadRewards(), loadToday()]);
}

function showReceipt(d) {
  $("receipt").hidden = false;
  $("r-no").textContent = d.receiptNo;
  $("r-who").textContent = `${state.volunteer.name} (${state.volunteer.memberCode})`;
  $("r-what").textContent = `${d.rewardName} × ${d.quantity}`;
  $("r-points").textContent = d.pointsSpent;
  $("r-balance").textContent = d.balanceAfter;
  $("r-time").textContent = localTime(d.createdAt);
}

async function loadToday() {
  const midnight = new Date();
  midnight.setHours(0, 0, 0, 0);
  const r = await api("GET", `/api/v1/redemptions?from=${encodeURIComponent(midnight.toISOString())}&limit=200`);
  const body = $("today");
  body.innerHTML = "";
  if (!r.ok) return;
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
      b.onclick = () => cancel(x, b);
      td.append(b);
    } else {
      td.textContent = t("cancelled");
    }
    tr.append(td);
    body.append(tr);
  }
}

async function cancel(x, button) {
  const reason = prompt(t("cancelReason"), "");
  if (!reason) return;
  button.disabled = true;
  const r = await api("POST", `/api/v1/redemptions/${x.id}/cancel`, { reason }, newKey());
  if (!r.ok) { button.disabled = false; toast(r.message); return; }
  toast(t("cancelledOk"));
  $("redeem-error").textContent = "";
  if ($("r-no").textContent === x.receiptNo) $("r-no").textContent = `${x.receiptNo}（${t("cancelled")}）`;
  await Promise.all([refreshSummary(), loadRewards(), loadToday()]);
}

async function loadPending() {
  const r = await api("GET", "/api/v1/service-records?status=pending&limit=50");
  const body = $("pending-list");
  body.innerHTML = "";
  if (!r.ok) return;
  if (r.data.items.length === 0) {
    const tr = document.createElement("tr");
    const td = document.createElement("td");
    td.colSpan = 5;
    td.className = "muted";
    td.style.textAlign = "left";
    td.textContent = t("none");
    tr.append(td);
    body.append(tr);
  }
  for (const x of r.data.items) {
    const tr = document.createElement("tr");
    for (const text of [x.volunteerId, t(`cat_${x.category}`), localTime(x.startedAt), x.minutes]) {
      const td = document.createElement("td");
      td.textContent = text;
      tr.append(td);
    }
    const td = document.createElement("td");
    const score = document.createElement("select");
    for (const s of [5, 4, 3, 2, 1]) score.append(new Option(String(s), String(s)));
    score.style.width = "70px";
    const b = document.createElement("button");
    b.type = "button";
    b.className = "primary";
    b.textContent = t("approve");
    b.onclick = async () => {
      b.disabled = true;
      const a = await api("POST", `/api/v1/service-records/${x.id}/approve`, { score: +score.value }, newKey());
      toast(a.ok ? t("approved") : a.message);
      await Promise.all([loadPending(), refreshSummary()]);
    };
    td.append(score, " ", b);
    tr.append(td);
    body.append(tr);
  }
}

async function recordHours(e) {
  e.preventDefault();
  $("hours-msg").textContent = "";
  if (!state.volunteer) { $("hours-msg").textContent = t("chooseVolunteer"); return; }
  const startedAt = new Date($("h-start").value).toISOString();
  const endedAt = new Date($("h-end").value).toISOString();
  const r = await api("POST", "/api/v1/service-records",
    { volunteerId: state.volunteer.id, category: $("h-category").value, startedAt, endedAt, approve: true, score: +$("h-score").value }, newKey());
  $("hours-msg").className = r.ok ? "ok" : "error";
  $("hours-msg").textContent = r.ok ? t("recorded", r.data.minutes, r.data.points) : r.message;
  if (r.ok) await refreshSummary();
}

function defaultHours() {
  const end = new Date();
  end.setSeconds(0, 0);
  end.setMinutes(end.getMinutes() - end.getTimezoneOffset());
  const start = new Date(end.getTime() - 60 * 60 * 1000);
  $("h-end").value = end.toISOString().slice(0, 16);
  $("h-start").value = start.toISOString().slice(0, 16);
}

$("lang").onclick = () => {
  state.lang = state.lang === "en" ? "zh" : "en";
  localStorage.setItem("counterLang", state.lang);
  applyLanguage();
  if (state.key) { loadRewards(); loadToday(); loadPending(); refreshSummary(); }
};
$("logout").onclick = () => signOut();
$("login-form").onsubmit = (e) => {
  e.preventDefault();
  state.key = $("key").value.trim();
  sessionStorage.setItem("ledgerKey", state.key);
  $("key").value = "";
  signIn();
};
$("find-form").onsubmit = (e) => { e.preventDefault(); find($("q").value.trim()); };
$("hours-form").onsubmit = recordHours;
$("print").onclick = () => window.print();

applyLanguage();
defaultHours();
if (state.key) signIn(); else signOut();
