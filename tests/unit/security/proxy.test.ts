import { NextRequest } from "next/server";
import { unstable_doesMiddlewareMatch } from "next/experimental/testing/server";
import { describe, expect, it } from "vitest";
import { config, proxy } from "@/proxy";

const request = (path: string, init: { method?: string; ip?: string } = {}) =>
  new NextRequest(new URL(path, "http://localhost:3000"), {
    method: init.method ?? "GET",
    headers: { "x-forwarded-for": init.ip ?? "198.51.100.23", "user-agent": "vitest" },
  });

describe("proxy.ts", () => {
  it("covers pages and auth routes but keeps the SDK hot path (/api/v1/*) out", () => {
    for (const url of ["/", "/sign-in", "/acme/projects", "/api/auth/callback/credentials", "/api/health"]) {
      expect(unstable_doesMiddlewareMatch({ config, url }), url).toBe(true);
    }
    for (const url of ["/api/v1/chat/completions", "/api/v1/orgs", "/api/internal/metrics", "/_next/static/chunks/app.js", "/favicon.ico"]) {
      expect(unstable_doesMiddlewareMatch({ config, url }), url).toBe(false);
    }
  });

  it("sets the security headers with a nonce that differs per response, and forwards it to the page", async () => {
    const first = await proxy(request("/sign-in"));
    const second = await proxy(request("/sign-in"));
    const nonceOf = (csp: string | null) => /'nonce-([^']+)'/.exec(csp ?? "")?.[1];
    const csp = first.headers.get("content-security-policy");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).not.toMatch(/script-src[^;]*'unsafe-inline'/);
    expect(nonceOf(csp)).toBeTruthy();
    expect(nonceOf(csp)).not.toBe(nonceOf(second.headers.get("content-security-policy")));
    expect(first.headers.get("x-request-id")).toMatch(/^[a-f0-9]{32}$/);
    // Next passes overridden request headers to the page through x-middleware-request-*.
    expect(first.headers.get("x-middleware-request-x-nonce")).toBe(nonceOf(csp));
    for (const name of ["x-content-type-options", "referrer-policy", "permissions-policy", "cross-origin-opener-policy"]) {
      expect(first.headers.get(name), name).toBeTruthy();
    }
  });

  it("brakes sign-in posts per IP with a 429 that carries Retry-After, leaving other addresses alone", async () => {
    const ip = "203.0.113.77";
    const statuses: number[] = [];
    for (let i = 0; i < 70; i++) statuses.push((await proxy(request("/api/auth/callback/credentials", { method: "POST", ip }))).status);
    expect(statuses.filter((s) => s === 429).length).toBeGreaterThan(0);
    const limited = await proxy(request("/api/auth/callback/credentials", { method: "POST", ip }));
    expect(limited.status).toBe(429);
    expect(Number(limited.headers.get("retry-after"))).toBeGreaterThan(0);
    expect(await limited.json()).toMatchObject({ error: { code: "rate_limited" } });
    const other = await proxy(request("/api/auth/callback/credentials", { method: "POST", ip: "203.0.113.78" }));
    expect(other.status).toBe(200);
    const reads = await proxy(request("/sign-in", { ip }));
    expect(reads.status).toBe(200);
  });
});
