import { NextRequest } from "next/server";
import { describe, expect, it } from "vitest";
import { secretsMatch, withCron } from "@/lib/security/with-cron";

const job = withCron("test-job", async (ctx) => ({ ran: true, actor: ctx.actor }));

function call(authorization?: string) {
  const headers = new Headers(authorization ? { authorization } : {});
  return job(new NextRequest("http://localhost/api/cron/test", { headers }));
}

describe("the cron door", () => {
  it("runs the job with the right bearer secret, as a system actor", async () => {
    const res = await call(`Bearer ${process.env.CRON_SECRET}`);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ ran: true, actor: { type: "SYSTEM", id: null, label: "cron:test-job" } });
    expect(res.headers.get("x-request-id")).toBeTruthy();
  });

  it.each([undefined, "Bearer ", "Bearer wrong", `Basic ${process.env.CRON_SECRET}`, `bearer ${process.env.CRON_SECRET}`])("answers 401 to %s", async (header) => {
    const res = await call(header);
    expect(res.status).toBe(401);
    expect(await res.json()).toMatchObject({ error: { code: "unauthenticated" } });
  });

  it("compares secrets of any length without throwing", () => {
    expect(secretsMatch("a", "a")).toBe(true);
    expect(secretsMatch("a", "ab")).toBe(false);
    expect(secretsMatch("", "x".repeat(100))).toBe(false);
  });
});
