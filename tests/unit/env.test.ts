import { describe, expect, it } from "vitest";
import { PRODUCTION_ENV } from "../support/production-env";
import { parseEnv } from "@/lib/env";

const PRODUCTION = PRODUCTION_ENV;

describe("configuration", () => {
  it("accepts a complete production configuration", () => {
    const env = parseEnv({ ...PRODUCTION });
    expect(env.NODE_ENV).toBe("production");
    expect(env.ALLOWED_SIGNUP_DOMAINS).toEqual([]);
  });

  it.each(["DATABASE_URL", "NEXTAUTH_SECRET", "CRON_SECRET"] as const)("refuses to start in production without %s", (name) => {
    const source: NodeJS.ProcessEnv = { ...PRODUCTION };
    delete source[name];
    expect(() => parseEnv(source)).toThrow(name);
  });

  it("refuses production without a master key, and a master key of the wrong size", () => {
    const { MASTER_KEY: _unused, ...rest } = PRODUCTION;
    expect(() => parseEnv(rest)).toThrow(/MASTER_KEYS or MASTER_KEY/);
    expect(() => parseEnv({ ...PRODUCTION, MASTER_KEY: Buffer.alloc(16).toString("base64") })).toThrow(/32 bytes/);
  });

  it("treats empty variables as unset and refuses half an Upstash configuration", () => {
    expect(() => parseEnv({ ...PRODUCTION, NEXTAUTH_SECRET: "" })).toThrow("NEXTAUTH_SECRET");
    expect(() => parseEnv({ ...PRODUCTION, UPSTASH_REDIS_REST_URL: "https://example.upstash.io" })).toThrow(/set both or neither/);
  });

  it("parses the sign-up domain allowlist into lower-case exact domains", () => {
    expect(parseEnv({ ...PRODUCTION, ALLOWED_SIGNUP_DOMAINS: " Acme.com,, example.org " }).ALLOWED_SIGNUP_DOMAINS).toEqual(["acme.com", "example.org"]);
  });

  it("never prints a secret's value in its error", () => {
    const secret = "short-secret-value";
    expect(() => parseEnv({ ...PRODUCTION, NEXTAUTH_SECRET: secret })).toThrow();
    try {
      parseEnv({ ...PRODUCTION, NEXTAUTH_SECRET: secret });
    } catch (error) {
      expect(String(error)).not.toContain(secret);
    }
  });
});
