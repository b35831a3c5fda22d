import { describe, expect, it } from "vitest";
import { POLICIES } from "@/lib/ratelimit/policies";
import { backendConfigFrom } from "@/lib/ratelimit/backend";
import { stripUpstashFlags, ScriptRegistry, sha1 } from "@/lib/ratelimit/lua-scripts";

describe("POLICIES", () => {
  it("fail closed exactly where an attacker gains from an outage", () => {
    const closed = Object.entries(POLICIES).filter(([, p]) => p.failMode === "closed").map(([name]) => name);
    expect(closed.sort()).toEqual(["keyCreation", "mfa", "signInEmail", "signInIp", "signUpIp"]);
  });

  it("are well-formed, with distinct key prefixes", () => {
    const prefixes = new Set<string>();
    for (const policy of Object.values(POLICIES)) {
      expect(Number.isInteger(policy.limit) && policy.limit > 0).toBe(true);
      expect(policy.windowMs).toBeGreaterThanOrEqual(1_000);
      expect(policy.keyPrefix).toMatch(/^[a-z-]+$/);
      expect(policy.description.length).toBeGreaterThan(10);
      prefixes.add(policy.keyPrefix);
    }
    expect(prefixes.size).toBe(Object.keys(POLICIES).length);
  });

  it("match the agreed numbers", () => {
    expect(POLICIES.signInIp).toMatchObject({ limit: 20, windowMs: 60_000 });
    expect(POLICIES.signInEmail).toMatchObject({ limit: 10, windowMs: 15 * 60_000, normalize: "lowercase" });
    expect(POLICIES.apiKey).toMatchObject({ limit: 600, windowMs: 60_000, allowLimitOverride: true });
    expect(POLICIES.org).toMatchObject({ limit: 6000, windowMs: 60_000 });
    expect(POLICIES.management).toMatchObject({ limit: 120, windowMs: 60_000 });
    expect(POLICIES.proxySignInIp).toMatchObject({ store: "local", failMode: "open" });
    expect(POLICIES.mfa).toMatchObject({ limit: 10, windowMs: 15 * 60_000, failMode: "closed" });
  });
});

describe("backendConfigFrom", () => {
  it("prefers Upstash REST, then REDIS_URL, then in-process", () => {
    const upstash = { UPSTASH_REDIS_REST_URL: "https://x.upstash.io", UPSTASH_REDIS_REST_TOKEN: "t" };
    expect(backendConfigFrom({ ...upstash, REDIS_URL: "redis://h" })).toEqual({ kind: "upstash", url: upstash.UPSTASH_REDIS_REST_URL, token: "t" });
    expect(backendConfigFrom({ REDIS_URL: "redis://h:6379" })).toEqual({ kind: "redis", url: "redis://h:6379" });
    expect(backendConfigFrom({})).toEqual({ kind: "memory" });
  });

  it("refuses half an Upstash configuration", () => {
    expect(() => backendConfigFrom({ UPSTASH_REDIS_REST_URL: "https://x.upstash.io", REDIS_URL: "redis://h" })).toThrow(/together/);
    expect(() => backendConfigFrom({ UPSTASH_REDIS_REST_TOKEN: "t" })).toThrow(/together/);
  });
});

describe("Upstash script flags", () => {
  it("drops allow-key-locking and keeps other flags", () => {
    expect(stripUpstashFlags("#!lua flags=allow-key-locking\nreturn 1")).toBe("#!lua\nreturn 1");
    expect(stripUpstashFlags("#!lua flags=no-writes,allow-key-locking\nreturn 1")).toBe("#!lua flags=no-writes\nreturn 1");
    expect(stripUpstashFlags("return 1")).toBe("return 1");
  });

  it("maps the original SHA-1 to the stripped script", () => {
    const registry = new ScriptRegistry();
    const original = "#!lua flags=allow-key-locking\nreturn 1";
    expect(registry.lookup(sha1(original))).toBeUndefined();
    const stripped = registry.register(original);
    expect(registry.lookup(sha1(original).toUpperCase())).toEqual(stripped);
    expect(stripped.sha).toBe(sha1("#!lua\nreturn 1"));
  });
});
