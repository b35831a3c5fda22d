import { describe, expect, it } from "vitest";
import { rateLimitHeaders } from "@/lib/ratelimit/headers";

const NOW = 1_700_000_000_000;

describe("rateLimitHeaders", () => {
  it("admitted: limit, remaining and seconds to reset; no Retry-After", () => {
    const headers = rateLimitHeaders({ success: true, limit: 600, remaining: 599, reset: NOW + 42_300, retryAfterSeconds: 0 }, NOW);
    expect(headers).toEqual({ "RateLimit-Limit": "600", "RateLimit-Remaining": "599", "RateLimit-Reset": "43" });
  });

  it("denied: Retry-After in whole seconds, at least 1", () => {
    const headers = rateLimitHeaders({ success: false, limit: 20, remaining: 0, reset: NOW + 9_001, retryAfterSeconds: 10 }, NOW);
    expect(headers).toEqual({ "RateLimit-Limit": "20", "RateLimit-Remaining": "0", "RateLimit-Reset": "10", "Retry-After": "10" });
    const edge = rateLimitHeaders({ success: false, limit: 20, remaining: 0, reset: NOW - 5, retryAfterSeconds: 0 }, NOW);
    expect(edge["Retry-After"]).toBe("1");
    expect(edge["RateLimit-Reset"]).toBe("0");
  });

  it("never reports negative or fractional values", () => {
    const headers = rateLimitHeaders({ success: true, limit: 10.7, remaining: -3, reset: NOW - 60_000, retryAfterSeconds: 0 }, NOW);
    expect(headers).toEqual({ "RateLimit-Limit": "10", "RateLimit-Remaining": "0", "RateLimit-Reset": "0" });
  });

  it("fail-closed results carry Retry-After, fail-open ones do not", () => {
    expect(rateLimitHeaders({ success: false, limit: 10, remaining: 0, reset: NOW + 5_000, retryAfterSeconds: 5, failedClosed: true }, NOW)["Retry-After"]).toBe("5");
    expect(rateLimitHeaders({ success: true, limit: 10, remaining: 10, reset: NOW + 60_000, retryAfterSeconds: 0, failedOpen: true }, NOW)).not.toHaveProperty("Retry-After");
  });
});
