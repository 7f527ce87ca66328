#!/usr/bin/env bash
# How made-by-main-2026-12-03.sql was made, kept so the fixture can be read against the calls that wrote it. It ran
# against main at 808b323, started on an empty file with Ledger__BootstrapAdminKey=$K; it prints the keys it made.
# Then: stop the service (SIGTERM), `sqlite3 FILE .dump`, and the header lines of the .sql.
set -euo pipefail
B=${B:?}; K=${K:?}
A="Authorization: Bearer $K"; J='content-type: application/json'
post() { # url body [key] [idempotency-key] -> body; fails on a non-2xx
  local key=${3:-$K} extra=()
  [ -n "${4:-}" ] && extra=(-H "Idempotency-Key: $4")
  local out; out=$(curl -sS -w '\n%{http_code}' -XPOST "$B$1" -H "Authorization: Bearer $key" -H "$J" "${extra[@]}" -d "$2")
  local code=${out##*$'\n'}; local body=${out%$'\n'*}
  case $code in 2*) printf '%s' "$body";; *) echo "POST $1 -> $code $body" >&2; exit 1;; esac
}
put() { curl -sSf -XPUT "$B$1" -H "$A" -H "$J" -d "$2"; }
patch() { curl -sSf -XPATCH "$B$1" -H "$A" -H "$J" -d "$2"; }

C=$(post /api/v1/communities '{"name":"桃浦新村第一居民区","street":"桃浦镇","district":"普陀区"}' | jq .id)
# Version 2 from the beginning: points lapse at the end of the following year, records may go back to 2024.
put /api/v1/communities/$C/rules '{"pointsPerHour":10,"categoryMultipliers":{"epidemic":2.0},"maxBackdateDays":1200,"expiry":"endOfFollowingYear","effectiveFrom":"2000-01-01T00:00:00+00:00"}' >/dev/null
C2=$(post /api/v1/communities '{"name":"Riverside","street":"Main St","district":"Harbour","timeZone":"Europe/London"}' | jq .id)

S=$(post /api/v1/api-keys "{\"name\":\"counter\",\"role\":\"staff\",\"communityId\":$C}" | jq -r .key)
CL=$(post /api/v1/api-keys "{\"name\":\"mini-program\",\"role\":\"client\",\"communityId\":$C}" | jq -r .key)
post /api/v1/api-keys '{"name":"auditor","role":"auditor"}' >/dev/null                       # never used
OLD=$(post /api/v1/api-keys "{\"name\":\"old counter\",\"role\":\"staff\",\"communityId\":$C}")
OLDKEY=$(jq -r .key <<<"$OLD")
curl -sSf -XDELETE "$B/api/v1/api-keys/$(jq .id <<<"$OLD")" -H "$A"                          # revoked

vol() { post /api/v1/volunteers "{\"communityId\":$1,\"name\":\"$2\",\"phone\":\"$3\",\"wechatOpenId\":$4,\"grid\":\"第一网格\",\"buildingGroup\":\"12号楼\",\"skills\":[\"理发\",\"测血压\"],\"echelon\":\"$5\"}" "$S" "vol-$3" | jq .id; }
V1=$(vol $C 王秀英 13900000001 '"o-wang"' first)
V2=$(vol $C 李建国 13900000002 null second)
V3=$(vol $C 张伟 13900000003 null reserve)
V4=$(vol $C 刘芳 13900000004 '"o-liu"' first)
patch /api/v1/volunteers/$V3 '{"status":"inactive"}' >/dev/null
V5=$(post /api/v1/volunteers "{\"communityId\":$C2,\"name\":\"Ann Lee\",\"phone\":\"07700900001\",\"skills\":[],\"echelon\":\"first\"}" | jq .id)

rec() { post /api/v1/service-records "{\"volunteerId\":$1,\"category\":\"$2\",\"startedAt\":\"$3\",\"endedAt\":\"$4\",\"description\":\"$5\"}" "$S" | jq .id; }
ok() { post /api/v1/service-records/$1/approve "{\"score\":$2}" "$S" >/dev/null; }
# 2024: approved (these points lapse at the start of 2026)
R=$(rec $V1 elderly-care 2024-03-05T09:00:00+08:00 2024-03-05T11:30:00+08:00 探访独居老人); ok $R 5
R=$(rec $V2 epidemic 2024-06-10T08:00:00+08:00 2024-06-10T10:00:00+08:00 核酸点值守); ok $R 4
# 2025
R=$(rec $V1 garbage-sorting 2025-04-12T07:00:00+08:00 2025-04-12T09:00:00+08:00 垃圾分类督导); ok $R 5
R=$(rec $V2 elderly-care 2025-09-01T14:00:00+08:00 2025-09-01T17:00:00+08:00 ""); ok $R 3
R=$(rec $V4 anti-fraud 2025-11-20T09:00:00+08:00 2025-11-20T10:00:00+08:00 反诈宣传); ok $R 4
# 2026: approved, rejected, reversed, pending
R=$(rec $V1 elderly-care 2026-10-08T09:00:00+08:00 2026-10-08T12:00:00+08:00 助餐); ok $R 5
R=$(rec $V4 garbage-sorting 2026-11-02T07:00:00+08:00 2026-11-02T08:30:00+08:00 ""); ok $R 4
R=$(rec $V2 elderly-care 2026-11-03T09:00:00+08:00 2026-11-03T10:00:00+08:00 重复登记)
post /api/v1/service-records/$R/reject '{"reason":"与另一条记录重复"}' "$S" >/dev/null
R=$(rec $V4 elderly-care 2026-11-04T09:00:00+08:00 2026-11-04T11:00:00+08:00 误记); ok $R 4
post /api/v1/service-records/$R/reverse '{"reason":"登记错了志愿者"}' "$S" >/dev/null
rec $V1 garbage-sorting 2026-12-01T07:00:00+08:00 2026-12-01T08:00:00+08:00 待审核 >/dev/null
post /api/v1/service-records "{\"volunteerId\":$V5,\"category\":\"elderly-care\",\"startedAt\":\"2026-11-10T10:00:00+00:00\",\"endedAt\":\"2026-11-10T11:00:00+00:00\",\"approve\":true,\"score\":5}" >/dev/null

# An activity with attendance (one entry rejected: outside its window)
ACT=$(post /api/v1/activities "{\"communityId\":$C,\"title\":\"社区清洁日\",\"category\":\"garbage-sorting\",\"startsAt\":\"2026-11-21T08:00:00+08:00\",\"endsAt\":\"2026-11-21T11:00:00+08:00\",\"location\":\"中心花园\"}" "$S" | jq .id)
MC4=$(curl -sSf "$B/api/v1/volunteers/$V4" -H "$A" | jq -r .memberCode)
post /api/v1/activities/$ACT/attendance "{\"entries\":[{\"volunteerId\":$V1,\"score\":5},{\"memberCode\":\"$MC4\",\"startedAt\":\"2026-11-21T08:30:00+08:00\",\"endedAt\":\"2026-11-21T10:30:00+08:00\",\"score\":4},{\"volunteerId\":$V2,\"startedAt\":\"2026-11-21T12:00:00+08:00\",\"endedAt\":\"2026-11-21T13:00:00+08:00\",\"score\":4}]}" "$S" >/dev/null

# Rewards; a redemption kept, one cancelled, a reward made inactive
RW1=$(post /api/v1/rewards "{\"communityId\":$C,\"name\":\"洗衣液\",\"pointsCost\":20,\"stock\":10,\"description\":\"2kg\"}" "$S" | jq .id)
RW2=$(post /api/v1/rewards "{\"communityId\":$C,\"name\":\"大米 5kg\",\"pointsCost\":30,\"stock\":5}" "$S" | jq .id)
RW3=$(post /api/v1/rewards "{\"communityId\":$C,\"name\":\"旧款毛巾\",\"pointsCost\":5,\"stock\":0}" "$S" | jq .id)
patch /api/v1/rewards/$RW3 '{"active":false}' >/dev/null
patch /api/v1/rewards/$RW1 '{"stockDelta":2}' >/dev/null
post /api/v1/redemptions "{\"volunteerId\":$V1,\"rewardId\":$RW1,\"quantity\":1}" "$S" redeem-1 >/dev/null
RD=$(post /api/v1/redemptions "{\"memberCode\":\"$MC4\",\"rewardId\":$RW2,\"quantity\":1}" "$S" redeem-2 | jq .id)
post /api/v1/redemptions/$RD/cancel '{"reason":"顾客改主意"}' "$S" >/dev/null

# A gift, an adjustment (one each way), a certificate
post /api/v1/volunteers/$V1/transfers "{\"toVolunteerId\":$V2,\"amount\":7,\"memo\":\"给母亲\"}" "$CL" gift-1 >/dev/null
post /api/v1/volunteers/$V4/adjustments '{"amount":15,"reason":"补录纸质台账"}' "$S" >/dev/null
post /api/v1/volunteers/$V2/adjustments '{"amount":-3,"reason":"多计更正"}' >/dev/null
post /api/v1/volunteers/$V1/certificate '{"year":2025}' "$S" >/dev/null
echo "-- staff key: $S"
echo "-- client key: $CL"
echo "-- revoked key: $OLDKEY"
