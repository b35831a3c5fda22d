import { describe, expect, it } from "vitest";
import { verifyAuditChain } from "@/lib/audit/verify";
import { db } from "@/lib/db/client";
import { AppError } from "@/lib/security/errors";
import { addDomain, listDomains, recordName, recordValue, removeDomain, verifyDomain, type TxtResolver } from "@/lib/sso/domains";
import { domainDto } from "@/lib/sso/schemas";
import * as domainsRoute from "@/app/api/v1/orgs/[orgId]/domains/route";
import { canonicalDomain } from "@/lib/orgs/email-domains";
import { makeTenant, sessionCookie } from "../../support/fixtures";
import { callRoute } from "../../support/http";
import { freshDomain, ssoContext } from "../../support/sso";

/**
 * Verified domains on the database, with a fake DNS: claim, the TXT record to
 * publish, verification (found, wrong token, NXDOMAIN, DNS failure, taken by
 * another org), canonical names, removal, and the audit trail.
 */
async function tenant(name: string) {
  const t = await makeTenant(name);
  return { tenant: t, ctx: await ssoContext(t.org.id, t.members.ADMIN.user) };
}

/** A fake resolver: answers from a table of name → TXT strings, NXDOMAIN for the rest; records the names asked. */
function fakeDns(records: Record<string, string[][]>) {
  const asked: string[] = [];
  const resolve: TxtResolver = async (name) => {
    asked.push(name);
    const found = records[name.toLowerCase()];
    if (found) return found;
    throw Object.assign(new Error(`queryTxt ENOTFOUND ${name}`), { code: "ENOTFOUND" });
  };
  return { resolve, asked };
}

async function rejection(promise: Promise<unknown>): Promise<AppError> {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(AppError);
  return error as AppError;
}

const events = (orgId: string, action: string) => db.auditLog.findMany({ where: { orgId, action }, orderBy: { seq: "asc" } });

describe("verified domains", () => {
  it("claims a domain with a TXT record to publish, and verifies it when the record is there", async () => {
    const { tenant: t, ctx } = await tenant("Domains");
    const name = freshDomain("acme");
    const claimed = await addDomain(ctx, { domain: name });
    expect(domainDto.parse(claimed)).toMatchObject({ domain: name, status: "pending", verifiedAt: null, record: { type: "TXT", name: `_gatehouse.${name}` } });
    const row = await db.orgDomain.findUniqueOrThrow({ where: { id: claimed.id } });
    expect(claimed.record.value).toBe(`gatehouse-verification=${row.token}`);
    expect(row.token.length).toBeGreaterThanOrEqual(32);

    // The record may be split into several strings and sit beside others.
    const dns = fakeDns({ [recordName(name)]: [["v=spf1 -all"], [recordValue(row.token).slice(0, 10), recordValue(row.token).slice(10)]] });
    const verified = await verifyDomain(ctx, claimed.id, dns.resolve);
    expect(dns.asked).toEqual([`_gatehouse.${name}`]);
    expect(verified).toMatchObject({ status: "verified", lastError: null });
    expect(verified.verifiedAt).toBeInstanceOf(Date);
    expect(await db.orgDomain.findUniqueOrThrow({ where: { id: claimed.id } })).toMatchObject({ verifiedDomain: name });

    // Verifying again answers it as it is, without DNS.
    const again = fakeDns({});
    expect((await verifyDomain(ctx, claimed.id, again.resolve)).status).toBe("verified");
    expect(again.asked).toEqual([]);
    expect(await listDomains(ctx)).toHaveLength(1);

    expect((await events(t.org.id, "domain.added"))[0]).toMatchObject({ actorId: t.members.ADMIN.user.id, targetId: claimed.id, metadata: { domain: name } });
    expect(await events(t.org.id, "domain.verified")).toHaveLength(1);
    expect((await verifyAuditChain(t.org.id)).ok).toBe(true);
  });

  it("refuses a record with another token, a missing record and a DNS failure, keeping the reason", async () => {
    const { tenant: t, ctx } = await tenant("Domains");
    const name = freshDomain();
    const claimed = await addDomain(ctx, { domain: name });

    const wrong = await rejection(verifyDomain(ctx, claimed.id, fakeDns({ [recordName(name)]: [["gatehouse-verification=someone-elses-token"]] }).resolve));
    expect(wrong).toMatchObject({ code: "domain_verification_failed", status: 422 });
    expect(wrong.message).toContain("does not carry this domain's token");
    let row = await db.orgDomain.findUniqueOrThrow({ where: { id: claimed.id } });
    expect(row).toMatchObject({ verifiedAt: null, verifiedDomain: null });
    expect(row.lastError).toContain("does not carry");
    expect(row.lastCheckedAt).toBeInstanceOf(Date);

    const missing = await rejection(verifyDomain(ctx, claimed.id, fakeDns({}).resolve));
    expect(missing.code).toBe("domain_verification_failed");
    expect(missing.message).toBe(`No TXT record found at _gatehouse.${name}.`);

    const timeout: TxtResolver = async () => {
      throw Object.assign(new Error("queryTxt ETIMEOUT"), { code: "ETIMEOUT" });
    };
    const failed = await rejection(verifyDomain(ctx, claimed.id, timeout));
    expect(failed.message).toContain("ETIMEOUT");
    row = await db.orgDomain.findUniqueOrThrow({ where: { id: claimed.id } });
    expect(row.lastError).toContain("try again");
    expect(await events(t.org.id, "domain.verified")).toHaveLength(0);

    // A record at the domain itself does not count: only _gatehouse.<domain>.
    const atApex = await rejection(verifyDomain(ctx, claimed.id, fakeDns({ [name]: [[recordValue(row.token)]] }).resolve));
    expect(atApex.code).toBe("domain_verification_failed");
  });

  it("lets one org at most verify a domain", async () => {
    const first = await tenant("First");
    const second = await tenant("Second");
    const name = freshDomain("shared");
    const a = await addDomain(first.ctx, { domain: name });
    const b = await addDomain(second.ctx, { domain: name });
    const tokenOf = async (id: string) => (await db.orgDomain.findUniqueOrThrow({ where: { id } })).token;
    // Both orgs publish their records.
    const dns = fakeDns({ [recordName(name)]: [[recordValue(await tokenOf(a.id))], [recordValue(await tokenOf(b.id))]] });
    expect((await verifyDomain(first.ctx, a.id, dns.resolve)).status).toBe("verified");
    const taken = await rejection(verifyDomain(second.ctx, b.id, dns.resolve));
    expect(taken).toMatchObject({ code: "domain_taken", status: 409 });
    expect((await db.orgDomain.findUniqueOrThrow({ where: { id: b.id } })).lastError).toBe("Another organisation has verified this domain.");
    // A new claim of a domain another org verified is refused at once.
    await db.orgDomain.delete({ where: { id: b.id } });
    expect((await rejection(addDomain(second.ctx, { domain: name }))).code).toBe("domain_taken");
    // The same org claiming it twice: conflict.
    expect((await rejection(addDomain(first.ctx, { domain: name }))).code).toBe("conflict");
  });

  it("stores domains in canonical form, through the route", async () => {
    const { tenant: t } = await tenant("Canonical");
    const tag = Math.random().toString(36).slice(2, 8);
    const cookie = await sessionCookie(t.members.ADMIN.user.id);
    const res = await callRoute(domainsRoute.POST, "POST", `/api/v1/orgs/${t.org.id}/domains`, { cookie, params: { orgId: t.org.id }, body: { domain: `  Bücher-${tag}.Example  ` } });
    expect(res.status).toBe(201);
    const domain = (res.json as { domain: string }).domain;
    expect(domain).toBe(canonicalDomain(`bücher-${tag}.example`));
    expect(domain).toMatch(/^xn--/);
    expect((res.json as { record: { name: string } }).record.name).toBe(`_gatehouse.${domain}`);

    for (const bad of ["*.example.com", "https://example.com", "a@b.com", "localhost", "203.0.113.7"]) {
      const refused = await callRoute(domainsRoute.POST, "POST", `/api/v1/orgs/${t.org.id}/domains`, { cookie, params: { orgId: t.org.id }, body: { domain: bad } });
      expect(refused.status, bad).toBe(422);
    }
    // A VIEWER may not see or claim domains.
    const viewer = await sessionCookie(t.members.VIEWER.user.id);
    expect((await callRoute(domainsRoute.GET, "GET", `/api/v1/orgs/${t.org.id}/domains`, { cookie: viewer, params: { orgId: t.org.id } })).status).toBe(403);
  });

  it("removes a domain, audited, and another org's domain is not found", async () => {
    const own = await tenant("Own");
    const other = await tenant("Other");
    const theirs = await addDomain(other.ctx, { domain: freshDomain() });
    expect((await rejection(removeDomain(own.ctx, theirs.id))).code).toBe("not_found");
    expect((await rejection(verifyDomain(own.ctx, theirs.id, fakeDns({}).resolve))).code).toBe("not_found");
    expect(await db.orgDomain.count({ where: { id: theirs.id } })).toBe(1);

    const mine = await addDomain(own.ctx, { domain: freshDomain() });
    await removeDomain(own.ctx, mine.id);
    expect(await db.orgDomain.count({ where: { id: mine.id } })).toBe(0);
    expect((await events(own.tenant.org.id, "domain.removed"))[0]).toMatchObject({ targetId: mine.id, metadata: { domain: mine.domain, wasVerified: false } });
  });

  it("needs a recent MFA check to verify or remove a domain (step-up), not to claim one", async () => {
    const { tenant: t } = await tenant("DomainStepUp");
    const domain = freshDomain();
    const stale = await sessionCookie(t.members.ADMIN.user.id, { mfaAt: Math.floor(Date.now() / 1000) - 3600 });
    const claimed = await callRoute(domainsRoute.POST, "POST", `/api/v1/orgs/${t.org.id}/domains`, { cookie: stale, params: { orgId: t.org.id }, body: { domain } });
    expect(claimed.status).toBe(201);
    const id = (claimed.json as { id: string }).id;
    const ctx = await ssoContext(t.org.id, t.members.ADMIN.user);
    const staleCtx = { ...ctx, principal: { ...ctx.principal, session: { ...ctx.principal.session, mfaAt: Math.floor(Date.now() / 1000) - 3600 } } };
    const dns = fakeDns({ [recordName(domain)]: [[recordValue((await db.orgDomain.findUniqueOrThrow({ where: { id } })).token)]] });
    expect((await rejection(verifyDomain(staleCtx, id, dns.resolve))).code).toBe("mfa_step_up_required");
    expect((await rejection(removeDomain(staleCtx, id))).code).toBe("mfa_step_up_required");
    expect(dns.asked).toEqual([]);
    expect(await db.orgDomain.findUniqueOrThrow({ where: { id } })).toMatchObject({ verifiedAt: null });
  });
});
