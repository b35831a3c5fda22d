import type { LookupAddress } from "node:dns";
import { describe, expect, it } from "vitest";
import { refusesAddress, refusesHostname } from "@/lib/gateway/address-policy";
import { gatewaySettings } from "@/lib/gateway/config";
import { GatewayFailure, scrubKey, upstreamErrorOutcome } from "@/lib/gateway/errors";
import { classifyUpstreamError, guardedLookup } from "@/lib/gateway/upstream";

describe("gatewaySettings", () => {
  it("has production defaults", () => {
    expect(gatewaySettings({})).toEqual({
      baseUrls: { openai: "https://api.openai.com/v1", anthropic: "https://api.anthropic.com" },
      allowPrivateUpstreams: false,
      upstreamTimeoutMs: 120_000,
    });
  });

  it("reads raw strings or typed values; trims trailing slashes", () => {
    const settings = gatewaySettings({
      OPENAI_BASE_URL: "http://llm.internal:8000/v1/",
      ANTHROPIC_BASE_URL: "",
      GATEWAY_ALLOW_PRIVATE_UPSTREAMS: "true",
      GATEWAY_UPSTREAM_TIMEOUT_MS: "30000",
    });
    expect(settings).toMatchObject({ baseUrls: { openai: "http://llm.internal:8000/v1", anthropic: "https://api.anthropic.com" }, allowPrivateUpstreams: true, upstreamTimeoutMs: 30_000 });
    expect(gatewaySettings({ GATEWAY_ALLOW_PRIVATE_UPSTREAMS: false, GATEWAY_UPSTREAM_TIMEOUT_MS: 5000 }).upstreamTimeoutMs).toBe(5000);
  });

  it.each([
    [{ OPENAI_BASE_URL: "ftp://x.test" }, "OPENAI_BASE_URL"],
    [{ ANTHROPIC_BASE_URL: "https://user:pw@x.test" }, "ANTHROPIC_BASE_URL"],
    [{ GATEWAY_ALLOW_PRIVATE_UPSTREAMS: "yes" }, "GATEWAY_ALLOW_PRIVATE_UPSTREAMS"],
    [{ GATEWAY_UPSTREAM_TIMEOUT_MS: "10" }, "GATEWAY_UPSTREAM_TIMEOUT_MS"],
  ])("refuses %j", (values, name) => {
    expect(() => gatewaySettings(values)).toThrow(name);
  });
});

describe("address policy", () => {
  it.each(["127.0.0.1", "10.1.2.3", "192.168.1.1", "172.16.0.1", "169.254.1.1", "::1", "fe80::1", "fd00::1", "::ffff:127.0.0.1", "0.0.0.0", "not-an-ip"])(
    "refuses %s unless private upstreams are allowed",
    (ip) => {
      expect(refusesAddress(ip, false)).toBe(true);
      expect(refusesAddress(ip, true)).toBe(ip === "not-an-ip");
    },
  );

  it.each(["169.254.169.254", "fd00:ec2::254", "100.100.100.200", "::ffff:169.254.169.254"])("refuses metadata address %s always", (ip) => {
    expect(refusesAddress(ip, false)).toBe(true);
    expect(refusesAddress(ip, true)).toBe(true);
  });

  it("allows public addresses; refuses metadata names", () => {
    expect(refusesAddress("104.18.6.192", false)).toBe(false);
    expect(refusesAddress("2606:4700::6812:6c0", false)).toBe(false);
    expect(refusesHostname("metadata.google.internal.")).toBe(true);
    expect(refusesHostname("api.openai.com")).toBe(false);
  });
});

describe("guardedLookup", () => {
  const lookupWith = (addresses: LookupAddress[], allowPrivate = false, all = true) =>
    new Promise<{ error: NodeJS.ErrnoException | null; result: unknown }>((resolve) => {
      guardedLookup(allowPrivate, async () => addresses)("upstream.test", { all, family: 0 }, (error, result) => resolve({ error, result }));
    });

  it("passes public answers through, in both callback forms", async () => {
    const answer = [{ address: "104.18.6.192", family: 4 }];
    expect(await lookupWith(answer)).toEqual({ error: null, result: answer });
    expect(await lookupWith(answer, false, false)).toEqual({ error: null, result: "104.18.6.192" });
  });

  it("refuses the whole name when any address is refused (rebinding), without naming it", async () => {
    const { error } = await lookupWith([
      { address: "104.18.6.192", family: 4 },
      { address: "127.0.0.1", family: 4 },
    ]);
    expect(error?.code).toBe("GATEHOUSE_UPSTREAM_FORBIDDEN");
    expect(error?.message).not.toContain("127.0.0.1");
    expect(classifyUpstreamError(error)).toMatchObject({ code: "upstream_forbidden", status: 502 });
    expect((await lookupWith([{ address: "127.0.0.1", family: 4 }], true)).error).toBeNull();
    expect((await lookupWith([])).error?.code).toBe("ENOTFOUND");
  });
});

describe("error classification and scrubbing", () => {
  const coded = (code: string) => Object.assign(new Error(`connect ${code} 10.0.0.1:443`), { code });

  it("maps undici and socket errors to gateway failures with fixed messages", () => {
    expect(classifyUpstreamError(coded("UND_ERR_HEADERS_TIMEOUT")).code).toBe("upstream_timeout");
    expect(classifyUpstreamError(coded("UND_ERR_BODY_TIMEOUT")).code).toBe("upstream_timeout");
    expect(classifyUpstreamError(coded("ECONNREFUSED")).code).toBe("upstream_unavailable");
    expect(classifyUpstreamError(new Error("x", { cause: coded("UND_ERR_CONNECT_TIMEOUT") })).code).toBe("upstream_timeout");
    const aborted = new AbortController();
    aborted.abort();
    expect(classifyUpstreamError(coded("UND_ERR_ABORTED"), aborted.signal).code).toBe("client_closed");
    const failure = classifyUpstreamError(coded("ECONNREFUSED"));
    expect(failure).toBeInstanceOf(GatewayFailure);
    expect(failure.message).not.toMatch(/10\.0\.0\.1|ECONNREFUSED/);
  });

  it("removes the key, verbatim or masked, from upstream error messages", () => {
    const key = "sk-proj-abcdefghijklmnopqrstuvwxyz0123";
    expect(scrubKey(`bad key ${key}!`, key)).toBe("bad key [redacted]!");
    expect(scrubKey("Incorrect API key provided: sk-proj-********************0123. See docs.", key)).toBe("Incorrect API key provided: [redacted]. See docs.");
    const outcome = upstreamErrorOutcome(401, { error: { message: `Incorrect API key provided: ${key}.`, type: "invalid_request_error", param: null, code: "invalid_api_key" } }, key);
    expect(outcome).toEqual({
      kind: "error",
      status: 401,
      code: "upstream_error",
      body: { error: { message: "Incorrect API key provided: [redacted].", type: "invalid_request_error", param: null, code: "invalid_api_key" } },
    });
    expect(upstreamErrorOutcome(502, "<html>bad gateway</html>", key).body.error).toEqual({ message: "The upstream provider answered with HTTP 502.", type: "upstream_error", param: null, code: null });
  });
});
