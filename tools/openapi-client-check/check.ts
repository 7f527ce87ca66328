// Compiled with tsc --strict against types generated from the service's OpenAPI document: a field the document
// leaves optional or nullable where the service always sends a value breaks this build.
import createClient from "openapi-fetch";
import type { paths } from "./ledger";

// The lists also answer text/csv (format=csv); this client reads JSON only.
const client = createClient<paths, `${string}/${string}json`>({ baseUrl: "http://localhost:5140", headers: { Authorization: "Bearer lk_example" } });

export async function registerAndRead(): Promise<void> {
  const created = await client.POST("/api/v1/volunteers", {
    body: { communityId: 1, name: "王芳", phone: "13912345678", echelon: "second", skills: ["理发"] },
    params: { header: { "Idempotency-Key": "register-wx-openid-1" } },
  });
  if (created.error) {
    const code: string = created.error.code;
    const requestId: string = created.error.requestId;
    const fields: Record<string, string[]> | undefined = created.error.errors;
    console.log(code, requestId, fields);
  }
  if (created.data) {
    const id: number = created.data.id;
    const memberCode: string = created.data.memberCode;
    const grid: string | null = created.data.grid;
    const echelon: "first" | "second" | "reserve" = created.data.echelon;
    const skills: string[] = created.data.skills;

    const summary = await client.GET("/api/v1/volunteers/{id}/summary", { params: { path: { id } } });
    if (summary.data) {
      const balance: number = summary.data.balance;
      const stars: number = summary.data.stars;
      const soon = summary.data.expiringSoon;
      if (soon !== null) {
        const points: number = soon.points;
        const at: string = soon.at;
        console.log(points, at);
      }
      const nextStarHours: number | undefined = summary.data.nextStar?.hoursToGo;
      const averageScore: number | null = summary.data.year.averageScore;
      console.log(balance, stars, nextStarHours, averageScore);
    }
    console.log(memberCode, grid, echelon, skills);
  }
}

export async function listRecords(): Promise<void> {
  const page = await client.GET("/api/v1/service-records", { params: { query: { status: "approved", limit: 20 } } });
  if (page.data) {
    for (const record of page.data.items) {
      const minutes: number = record.minutes;
      const status: "pending" | "approved" | "rejected" | "reversed" = record.status;
      const points: number | null = record.points;
      console.log(minutes, status, points);
    }
    const next: string | null = page.data.nextCursor;
    console.log(next);
  }
  const ledger = await client.GET("/api/v1/volunteers/{id}/ledger", { params: { path: { id: 1 } } });
  for (const line of ledger.data?.items ?? []) {
    const balanceAfter: number = line.balanceAfter;
    const memo: string | null = line.memo;
    console.log(balanceAfter, memo);
  }
  const verify = await client.GET("/api/v1/audit/verify");
  if (verify.data && verify.data.firstBroken !== null) {
    const kind: "auditEvent" | "transaction" | "statementLine" = verify.data.firstBroken.kind;
    const brokenId: number = verify.data.firstBroken.id;
    console.log(kind, brokenId);
  }
}
