import { describe, expect, it } from "vitest";
import { canonicalOrigin, originMatcher, parseAllowedOrigin } from "@/lib/net/origin";

describe("parseAllowedOrigin and canonicalOrigin", () => {
  it.each([
    ["https://app.example.com", "https://app.example.com"],
    ["http://localhost:3000", "http://localhost:3000"],
    ["HTTPS://App.Example.COM", "https://app.example.com"],
    ["https://app.example.com:443", "https://app.example.com"],
    ["http://app.example.com:80", "http://app.example.com"],
    ["http://app.example.com:443", "http://app.example.com:443"],
    ["https://app.example.com:80", "https://app.example.com:80"],
    ["https://app.example.com:8443", "https://app.example.com:8443"],
    ["http://127.0.0.1:8080", "http://127.0.0.1:8080"],
    ["http://[::1]:3000", "http://[::1]:3000"],
    ["http://[0:0::1]", "http://[::1]"],
    ["https://bücher.example", "https://xn--bcher-kva.example"],
    ["https://my_host.example.com", "https://my_host.example.com"],
    ["https://*.example.com", "https://*.example.com"],
    ["https://*.EXAMPLE.com:443", "https://*.example.com"],
    ["http://*.example.com:8080", "http://*.example.com:8080"],
    ["https://*.bücher.example", "https://*.xn--bcher-kva.example"],
    ["https://*.co.uk", "https://*.co.uk"],
  ])("%s → %s", (text, canonical) => {
    expect(canonicalOrigin(text)).toBe(canonical);
    expect(canonicalOrigin(canonical)).toBe(canonical);
  });

  it("describes exact and wildcard entries", () => {
    expect(parseAllowedOrigin("https://App.example.com:8443")).toEqual({
      kind: "exact",
      scheme: "https",
      host: "app.example.com",
      port: "8443",
      origin: "https://app.example.com:8443",
    });
    expect(parseAllowedOrigin("http://*.example.com")).toEqual({
      kind: "wildcard",
      scheme: "http",
      baseHost: "example.com",
      port: "",
      origin: "http://*.example.com",
    });
  });

  it.each([
    ["other schemes", ["ftp://example.com", "ws://example.com", "file:///etc/passwd", "javascript:alert(1)", "chrome-extension://abcdef"]],
    ["no scheme", ["example.com", "//example.com", "app.example.com:443", "*.example.com"]],
    ["a path, query or fragment", ["https://example.com/", "https://example.com/app", "https://example.com?x", "https://example.com#x", "https://example.com:8443/"]],
    ["userinfo", ["https://user@example.com", "https://user:pass@example.com", "https://example.com@evil.com"]],
    ["bad ports", ["https://example.com:", "https://example.com:0", "https://example.com:65536", "https://example.com:08443", "https://example.com:+1", "https://example.com:1:2", "http://[::1]:"]],
    ["trailing dots and empty labels", ["https://example.com.", "https://example..com", "https://.example.com", "https://*.example.com."]],
    ["encoded or numeric-shortcut hosts", ["https://ex%61mple.com", "http://127.1", "http://2130706433", "http://0x7f.0.0.1", "http://010.0.0.1"]],
    ["odd characters", ["https://exa mple.com", "https://example.com ", " https://example.com", "https://exa\\mple.com", "https://a!b.example.com", "https://[::1"]],
    ["the null origin and empty text", ["null", "", "https://"]],
    ["bad wildcards", ["*", "https://*", "https://*.", "https://*.com", "https://*.localhost", "https://a.*.example.com", "https://*.*.example.com", "https://*example.com", "https://ex*ample.com", "https://example.*", "https://*.1.2.3.4", "https://*.[::1]", "*://example.com"]],
  ])("rejects %s", (_reason, texts) => {
    for (const text of texts) {
      expect(parseAllowedOrigin(text), text).toBeNull();
      expect(canonicalOrigin(text), text).toBeNull();
    }
  });

  it("does not throw on values that are not strings or are huge", () => {
    for (const value of [undefined, null, 1, {}, ["https://a.com"]]) expect(parseAllowedOrigin(value as unknown as string)).toBeNull();
    expect(parseAllowedOrigin(`https://${"a".repeat(400)}.com`)).toBeNull();
  });
});

describe("originMatcher", () => {
  const match = originMatcher(["https://victim.com", "http://localhost:3000", "https://*.victim.com", "https://*.dev.example.org:8443"]);

  it.each([
    ["https://victim.com", true],
    ["http://localhost:3000", true],
    ["https://a.victim.com", true],
    ["https://a.b.c.victim.com", true],
    ["https://xn--bcher-kva.victim.com", true],
    ["https://x.dev.example.org:8443", true],
  ])("allows %s", (origin, expected) => {
    expect(match(origin)).toBe(expected);
  });

  it.each([
    ["a suffix host", "https://victim.com.attacker.com"],
    ["a prefixed host", "https://attacker-victim.com"],
    ["a glued prefix", "https://xvictim.com"],
    ["a glued wildcard prefix", "https://a.xvictim.com"],
    ["a trailing dot", "https://victim.com."],
    ["a subdomain with a trailing dot", "https://a.victim.com."],
    ["another scheme", "http://victim.com"],
    ["another scheme, wildcard", "http://a.victim.com"],
    ["a port", "https://victim.com:8443"],
    ["the default port spelled out", "https://victim.com:443"],
    ["a port on a wildcard match", "https://a.victim.com:444"],
    ["no port where one is required", "https://x.dev.example.org"],
    ["another port", "https://x.dev.example.org:8444"],
    ["the wildcard's apex", "https://dev.example.org:8443"],
    ["another port for localhost", "http://localhost:3001"],
    ["the null origin", "null"],
    ["a path", "https://victim.com/"],
    ["a path on a subdomain", "https://a.victim.com/x"],
    ["a query", "https://a.victim.com?x"],
    ["userinfo", "https://victim.com@attacker.com"],
    ["userinfo in front of a subdomain", "https://user@a.victim.com"],
    ["uppercase", "https://VICTIM.com"],
    ["uppercase subdomain", "https://A.victim.com"],
    ["uppercase scheme", "HTTPS://victim.com"],
    ["an empty label", "https://a..victim.com"],
    ["an empty subdomain", "https://.victim.com"],
    ["leading space", " https://victim.com"],
    ["an empty header", ""],
  ])("refuses %s", (_reason, origin) => {
    expect(match(origin), origin).toBe(false);
  });

  it("refuses values that are not strings", () => {
    expect(match(undefined as unknown as string)).toBe(false);
    expect(match(null as unknown as string)).toBe(false);
  });

  it("an empty list allows nothing", () => {
    expect(originMatcher([])("https://victim.com")).toBe(false);
  });

  it("accepts entries in any accepted spelling", () => {
    const m = originMatcher(["HTTPS://Victim.COM:443", "http://[0::1]:3000"]);
    expect(m("https://victim.com")).toBe(true);
    expect(m("http://[::1]:3000")).toBe(true);
  });

  it("throws at compile time on an invalid entry, naming its position only", () => {
    expect(() => originMatcher(["https://victim.com", "https://*"])).toThrow(/entry 1 is not a valid origin/);
  });
});
