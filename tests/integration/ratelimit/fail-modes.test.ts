import { createServer, type Server, type Socket } from "node:net";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import type { BackendConfig } from "@/lib/ratelimit/backend";
import { rateLimitHeaders } from "@/lib/ratelimit/headers";
import { createRateLimiter } from "@/lib/ratelimit/limiter";
import { POLICIES } from "@/lib/ratelimit/policies";

/**
 * A backend that is down (closed port) or hangs (accepts, never answers):
 * fail-closed policies deny, fail-open policies allow, both within the
 * limiter's deadline, and each failure is logged without the identifier.
 */
const EMAIL = "Alice.Secret@example.com";

let hanging: Server;
let hangingPort = 0;
const sockets = new Set<Socket>();

beforeAll(async () => {
  hanging = createServer((socket) => {
    sockets.add(socket); // accept and say nothing
    socket.on("close", () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => hanging.listen(0, "127.0.0.1", resolve));
  hangingPort = (hanging.address() as AddressInfo).port;
});
afterAll(async () => {
  for (const socket of sockets) socket.destroy();
  await new Promise<void>((resolve) => hanging.close(() => resolve()));
});

const cases: [string, () => BackendConfig][] = [
  ["redis, closed port", () => ({ kind: "redis", url: "redis://127.0.0.1:1" })],
  ["redis, hanging server", () => ({ kind: "redis", url: `redis://127.0.0.1:${hangingPort}` })],
  ["upstash, closed port", () => ({ kind: "upstash", url: "http://127.0.0.1:1", token: "secret-token-value" })],
  ["upstash, hanging server", () => ({ kind: "upstash", url: `http://127.0.0.1:${hangingPort}`, token: "secret-token-value" })],
];

describe.each(cases)("backend unavailable (%s)", (_label, backend) => {
  it("closed policies deny, open policies allow, each with a warning free of secrets", { timeout: 10_000 }, async () => {
    const warn = vi.fn();
    const limiter = createRateLimiter({ policies: POLICIES, backend: backend(), timeoutMs: 300, warn });
    try {
      const closed = await Promise.all([
        limiter.check("signInIp", "203.0.113.7"),
        limiter.check("signInEmail", EMAIL),
        limiter.check("signUpIp", "203.0.113.7"),
        limiter.check("keyCreation", "user:u1"),
      ]);
      for (const result of closed) {
        expect(result).toMatchObject({ success: false, remaining: 0, failedClosed: true });
        expect(result.failedOpen).toBeUndefined();
        expect(Number(rateLimitHeaders(result)["Retry-After"])).toBeGreaterThanOrEqual(1);
      }
      const open = await Promise.all([
        limiter.check("apiKey", "key_abc", { limit: 50 }),
        limiter.check("org", "org_1"),
        limiter.check("management", "user:u1"),
      ]);
      for (const result of open) {
        expect(result).toMatchObject({ success: true, failedOpen: true });
        expect(result.failedClosed).toBeUndefined();
        expect(rateLimitHeaders(result)["Retry-After"]).toBeUndefined();
      }
      expect(open[0]?.limit).toBe(50);

      const logged = JSON.stringify(warn.mock.calls);
      expect(warn).toHaveBeenCalledTimes(7); // one per policy
      expect(logged).toMatch(/failing closed/);
      expect(logged).toMatch(/failing open/);
      for (const secret of [EMAIL, EMAIL.toLowerCase(), "203.0.113.7", "key_abc", "secret-token-value"]) {
        expect(logged).not.toContain(secret);
      }

      // Repeated failures of one policy are logged once per interval, not per request.
      await limiter.check("signInIp", "203.0.113.8");
      expect(warn).toHaveBeenCalledTimes(7);
    } finally {
      await limiter.close();
    }
  });
});

describe.each(cases)("multi-check, backend unavailable (%s)", (_label, backend) => {
  const TIMEOUT_MS = 300;
  /** The whole multi-check, however many checks, within one deadline (and a little scheduling slack). */
  async function timed<T>(fn: () => Promise<T>): Promise<T> {
    const started = performance.now();
    const value = await fn();
    expect(performance.now() - started).toBeLessThan(TIMEOUT_MS + 150);
    return value;
  }

  it("a closed policy denies, open ones admit, all within one deadline; a failure is not remembered", { timeout: 10_000 }, async () => {
    const warn = vi.fn();
    const limiter = createRateLimiter({ policies: POLICIES, backend: backend(), timeoutMs: TIMEOUT_MS, warn });
    try {
      const open = await timed(() =>
        limiter.checkAll([
          { policy: "apiKey", identifier: "key_abc", limit: 50 },
          { policy: "org", identifier: "org_1" },
        ]),
      );
      expect(open.success).toBe(true);
      expect(open.results).toMatchObject([
        { success: true, failedOpen: true, limit: 50 },
        { success: true, failedOpen: true, limit: 6000 },
      ]);
      expect(rateLimitHeaders(open.limiting)["Retry-After"]).toBeUndefined();

      for (let attempt = 0; attempt < 2; attempt++) {
        const mixed = await timed(() =>
          limiter.checkAll([
            { policy: "apiKey", identifier: "key_abc" },
            { policy: "keyCreation", identifier: "user:u1" },
            { policy: "org", identifier: "org_1" },
          ]),
        );
        expect(mixed.success).toBe(false);
        expect(mixed.results.map((r) => r?.success)).toEqual([true, false, true]);
        expect(mixed.denied).toMatchObject({ failedClosed: true, limit: 20, remaining: 0 });
        expect(mixed.denied?.knownBlocked).toBeUndefined(); // asked the store again: a failure is no denial by it
        expect(Number(rateLimitHeaders(mixed.limiting)["Retry-After"])).toBeGreaterThanOrEqual(1);
      }
      expect(warn.mock.calls.map(([, fields]) => (fields as { policy: string }).policy).sort()).toEqual(["apiKey", "keyCreation", "org"]);
    } finally {
      await limiter.close();
    }
  });
});

it("proxySignInIp keeps working when the shared backend is down (it is in-process)", async () => {
  const warn = vi.fn();
  const limiter = createRateLimiter({ policies: POLICIES, backend: { kind: "redis", url: "redis://127.0.0.1:1" }, timeoutMs: 300, warn });
  try {
    const result = await limiter.check("proxySignInIp", "203.0.113.9");
    expect(result).toMatchObject({ success: true, limit: 60, remaining: 59 });
    expect(result.failedOpen).toBeUndefined();
    expect(warn).not.toHaveBeenCalled();
  } finally {
    await limiter.close();
  }
});
