import { describe, expect, it } from "vitest";
import { domainAllowed, domainName, emailDomain } from "@/lib/orgs/email-domains";

describe("email domain policy", () => {
  it("takes the exact domain after the last @, lower-cased", () => {
    expect(emailDomain("Alice@Acme.COM")).toBe("acme.com");
    expect(emailDomain('"a@b"@acme.com')).toBe("acme.com");
  });

  it("matches exactly, case-insensitively, never by suffix or prefix", () => {
    const allowed = ["acme.com"];
    expect(domainAllowed("bob@ACME.com", allowed)).toBe(true);
    expect(domainAllowed("eve@evil-acme.com", allowed)).toBe(false);
    expect(domainAllowed("eve@sub.acme.com", allowed)).toBe(false);
    expect(domainAllowed("eve@acme.com.evil.io", allowed)).toBe(false);
    expect(domainAllowed("eve@acme.co", allowed)).toBe(false);
  });

  it("allows everyone when the list is empty", () => {
    expect(domainAllowed("anyone@anywhere.io", [])).toBe(true);
  });

  it("validates domain names", () => {
    expect(domainName.parse(" Example.COM ")).toBe("example.com");
    for (const bad of ["example", "-bad.com", "bad-.com", "exa mple.com", "*.example.com", "example.c0m", "a@b.com", ""]) {
      expect(domainName.safeParse(bad).success, bad).toBe(false);
    }
  });
});
