import { afterEach, describe, expect, it, vi } from "vitest";
import type { RouteHandler } from "@/lib/security/route";
import { callRoute } from "../../support/http";

/** The route modules, loaded afresh (configuration is read once per module graph). */
async function routes() {
  const cron = await import("@/app/api/cron/retention/route");
  const internal = await import("@/app/internal/retention/run/route");
  return { cron: cron.GET as unknown as RouteHandler, internal: internal.POST as unknown as RouteHandler };
}

const bearer = (secret: string) => ({ headers: { authorization: `Bearer ${secret}` }, origin: null });

afterEach(() => {
  delete process.env.RETENTION_SECRET;
  vi.resetModules();
});

describe("retention routes", () => {
  it("answer 401 without the secret, with a wrong one, or with another scheme", async () => {
    const { cron, internal } = await routes();
    const secret = process.env.CRON_SECRET!;
    for (const [handler, method, path] of [
      [cron, "GET", "/api/cron/retention"],
      [internal, "POST", "/internal/retention/run"],
    ] as const) {
      for (const options of [{}, bearer(`${secret}x`), bearer(secret.slice(0, -1)), bearer(""), { headers: { authorization: secret } }]) {
        const res = await callRoute(handler, method, `${path}?dryRun=1`, options);
        expect(res.status, `${method} ${path} ${JSON.stringify(options)}`).toBe(401);
        expect(res.json).toMatchObject({ error: { code: "unauthenticated" } });
      }
    }
  });

  it("run a dry run with the cron secret", async () => {
    const { cron, internal } = await routes();
    for (const [handler, method, path] of [
      [cron, "GET", "/api/cron/retention"],
      [internal, "POST", "/internal/retention/run"],
    ] as const) {
      const res = await callRoute(handler, method, `${path}?dryRun=1`, bearer(process.env.CRON_SECRET!));
      expect(res.status).toBe(200);
      expect(res.json).toMatchObject({ status: "completed", dryRun: true, totals: { batches: 0 } });
      expect(res.headers.get("x-request-id")).toBeTruthy();
    }
  });

  it("answer 422 for a malformed dryRun, once past the secret", async () => {
    const { cron } = await routes();
    expect((await callRoute(cron, "GET", "/api/cron/retention?dryRun=maybe")).status).toBe(401);
    const res = await callRoute(cron, "GET", "/api/cron/retention?dryRun=maybe", bearer(process.env.CRON_SECRET!));
    expect(res.status).toBe(422);
  });

  it("the internal alias takes RETENTION_SECRET instead of CRON_SECRET when it is set", async () => {
    process.env.RETENTION_SECRET = "retention-secret-0123456789";
    vi.resetModules();
    const { cron, internal } = await routes();
    expect((await callRoute(internal, "POST", "/internal/retention/run?dryRun=1", bearer(process.env.CRON_SECRET!))).status).toBe(401);
    expect((await callRoute(internal, "POST", "/internal/retention/run?dryRun=1", bearer("retention-secret-0123456789"))).status).toBe(200);
    // The cron route keeps CRON_SECRET.
    expect((await callRoute(cron, "GET", "/api/cron/retention?dryRun=1", bearer("retention-secret-0123456789"))).status).toBe(401);
  });
});
