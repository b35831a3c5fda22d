import { describe, expect, it } from "vitest";
import { canonicalDomain, domainAllowed } from "@/lib/orgs/email-domains";
import { allowedEmailDomains, orgSettingsPatch, projectSettingsPatch } from "@/lib/settings/schemas";
import { draftFrom, fieldErrorsOf, patchFrom, readDraft, type OrgSettings } from "@/app/(console)/[org]/settings/settings-draft";

describe("domain names", () => {
  it.each([
    [" Example.COM ", "example.com"],
    ["Bücher.de", "xn--bcher-kva.de"],
    ["例え.テスト", "xn--r8jz45g.xn--zckzah"],
    ["ＥＸＡＭＰＬＥ。com", "example.com"],
    ["mail.corp.example.co.uk", "mail.corp.example.co.uk"],
    ["xn--bcher-kva.de", "xn--bcher-kva.de"],
  ])("canonicalises %j as %j", (input, expected) => {
    expect(canonicalDomain(input)).toBe(expected);
  });

  it.each([
    "example",
    "*.example.com",
    "https://example.com",
    "example.com/path",
    "example.com:443",
    "a@b.com",
    "exa mple.com",
    "-bad.com",
    "bad-.com",
    "a..com",
    "example.com.",
    ".example.com",
    "example.c0m",
    "192.0.2.1",
    "0x7f.1",
    "[::1]",
    "exa%41mple.com",
    "xn--zz.com",
    `${"a".repeat(64)}.com`,
    `${"a.".repeat(127)}com`,
    "",
  ])("refuses %j", (input) => {
    expect(canonicalDomain(input)).toBeNull();
  });

  it("compares an email's Unicode domain with a punycode allowlist", () => {
    expect(domainAllowed("anna@Bücher.de", ["xn--bcher-kva.de"])).toBe(true);
    expect(domainAllowed("anna@buecher.de", ["xn--bcher-kva.de"])).toBe(false);
  });

  it("deduplicates and sorts a domain list, with an issue per invalid entry", () => {
    expect(allowedEmailDomains.parse(["b.example", "A.example", "a.example"])).toEqual(["a.example", "b.example"]);
    const result = allowedEmailDomains.safeParse(["ok.example", "nope", "*.x.example"]);
    expect(result.success).toBe(false);
    expect(result.error!.issues.map((issue) => issue.path)).toEqual([[1], [2]]);
  });
});

describe("settings patches", () => {
  it("are partial and strict, and refuse an empty patch", () => {
    expect(orgSettingsPatch.parse({ storePrompts: true })).toEqual({ storePrompts: true });
    expect(orgSettingsPatch.safeParse({}).success).toBe(false);
    expect(orgSettingsPatch.safeParse({ storePrompts: undefined }).success).toBe(false);
    expect(orgSettingsPatch.safeParse({ storePrompts: true, extra: 1 }).success).toBe(false);
    expect(projectSettingsPatch.parse({ retentionDays: null })).toEqual({ retentionDays: null });
    expect(projectSettingsPatch.safeParse({ enforceSso: true }).success).toBe(false);
  });
});

describe("the console's settings draft", () => {
  const saved: OrgSettings = {
    orgId: "00000000-0000-4000-8000-000000000000",
    retentionDays: 30,
    auditRetentionDays: 365,
    storePrompts: false,
    storeResponses: false,
    storeInternalDebug: false,
    allowSemanticCache: false,
    enforceSso: false,
    requireMfaForAdmins: true,
    allowedEmailDomains: ["example.com"],
    providerKeyMode: "EITHER",
    updatedAt: "2025-01-01T00:00:00.000Z",
  };

  it("sends only the fields that changed, domains in their stored form", () => {
    const draft = { ...draftFrom(saved), retentionDays: " 14 ", storePrompts: true, domains: "\nEXAMPLE.com\n\nbücher.de\nexample.com" };
    const { values, errors } = readDraft(draft);
    expect(errors).toEqual({});
    expect(patchFrom(saved, values!)).toEqual({ retentionDays: 14, storePrompts: true, allowedEmailDomains: ["example.com", "xn--bcher-kva.de"] });
    expect(patchFrom(saved, readDraft(draftFrom(saved)).values!)).toEqual({});
  });

  it("reports each invalid field before anything is sent", () => {
    const { values, errors } = readDraft({ ...draftFrom(saved), retentionDays: "", auditRetentionDays: "89", domains: "ok.example\n*.bad.example" });
    expect(values).toBeNull();
    expect(Object.keys(errors).sort()).toEqual(["allowedEmailDomains", "auditRetentionDays", "retentionDays"]);
    expect(errors.allowedEmailDomains).toMatch(/^Line 2:/);
    expect(readDraft({ ...draftFrom(saved), retentionDays: "1.5" }).errors.retentionDays).toBeDefined();
  });

  it("maps the server's field errors onto the form's fields", () => {
    expect(fieldErrorsOf({ "patch.retentionDays": "At most 3650 days", "patch.allowedEmailDomains.2": "bad", "patch.allowedEmailDomains.4": "worse", patch: "Nothing to change", form: "Unrecognized key" })).toEqual({
      retentionDays: "At most 3650 days",
      allowedEmailDomains: "bad",
      form: "Nothing to change",
    });
  });
});
