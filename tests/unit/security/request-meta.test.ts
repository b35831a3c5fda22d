import { describe, expect, it } from "vitest";
import { clientIp } from "@/lib/security/request-meta";

const h = (xff: string, extra: Record<string, string> = {}) => new Headers({ "x-forwarded-for": xff, ...extra });

describe("client address", () => {
  it("believes forwarding headers only as far as the trusted hops", () => {
    const headers = h("6.6.6.6, 198.51.100.4, 10.0.0.2");
    expect(clientIp(headers, 0, false)).toBe("10.0.0.2");
    expect(clientIp(headers, 1, false)).toBe("10.0.0.2");
    expect(clientIp(headers, 2, false)).toBe("198.51.100.4");
    expect(clientIp(h("198.51.100.4"), 3, false)).toBe("198.51.100.4");
  });

  it("normalises IPv6 and IPv4-mapped forms and rejects garbage", () => {
    expect(clientIp(h("::ffff:192.0.2.1"), 0, false)).toBe("192.0.2.1");
    expect(clientIp(h("[2001:db8::1]"), 0, false)).toBe("2001:db8::1");
    expect(clientIp(h("not-an-ip"), 0, false)).toBeNull();
    expect(clientIp(new Headers(), 0, false)).toBeNull();
  });

  it("uses the edge's x-real-ip on Vercel", () => {
    expect(clientIp(h("6.6.6.6", { "x-real-ip": "192.0.2.9" }), 0, true)).toBe("192.0.2.9");
  });
});
