import "server-only";
import { randomBytes } from "node:crypto";
import { Resolver } from "node:dns/promises";
import type { AuditAction } from "@/lib/audit/actions";
import { recordAudit } from "@/lib/audit/record";
import { db, type Tx } from "@/lib/db/client";
import { isUniqueViolation } from "@/lib/db/errors";
import { env } from "@/lib/env";
import type { OrgContext } from "@/lib/security/context";
import { AppError } from "@/lib/security/errors";
import { requireRecentMfa } from "@/lib/security/step-up";
import type { AddDomainInput, DomainView } from "./schemas";

/**
 * Email domains an org claims and proves with DNS. Claiming gives a random
 * token; the org publishes it as a TXT record
 *
 *     _gatehouse.<domain>  TXT  "gatehouse-verification=<token>"
 *
 * (a name of its own, so it sits beside the domain's SPF and other records
 * without touching them), then asks for a check. A domain is verified by one
 * org at most (`verifiedDomain` is unique): another org's claim of it answers
 * `domain_taken`. Only verified domains route sign-ins to an org's IdP and
 * admit its SSO users (lib/sso/link.ts).
 */
export const RECORD_PREFIX = "_gatehouse";
export const RECORD_VALUE_PREFIX = "gatehouse-verification=";
const MAX_DOMAINS = 50;

/** TXT records at a name, each as its strings (as node:dns answers). Tests pass a fake. */
export type TxtResolver = (name: string) => Promise<string[][]>;

/**
 * The resolver used by the routes: the system's, or the servers in
 * `DNS_SERVERS` (comma-separated `ip` or `ip:port`), two tries of 3 s each.
 */
export function defaultTxtResolver(): TxtResolver {
  const resolver = new Resolver({ timeout: 3_000, tries: 2 });
  const servers = env().DNS_SERVERS;
  if (servers.length) resolver.setServers(servers);
  return (name) => resolver.resolveTxt(name);
}

export function recordName(domain: string): string {
  return `${RECORD_PREFIX}.${domain}`;
}

export function recordValue(token: string): string {
  return `${RECORD_VALUE_PREFIX}${token}`;
}

type Row = {
  id: string;
  domain: string;
  token: string;
  verifiedAt: Date | null;
  lastCheckedAt: Date | null;
  lastError: string | null;
  createdAt: Date;
};
const select = { id: true, domain: true, token: true, verifiedAt: true, lastCheckedAt: true, lastError: true, createdAt: true } as const;

function toView(row: Row): DomainView {
  return {
    id: row.id,
    domain: row.domain,
    status: row.verifiedAt ? "verified" : "pending",
    record: { type: "TXT", name: recordName(row.domain), value: recordValue(row.token) },
    verifiedAt: row.verifiedAt,
    lastCheckedAt: row.lastCheckedAt,
    lastError: row.lastError,
    createdAt: row.createdAt,
  };
}

function audit(tx: Tx, ctx: OrgContext, action: AuditAction, row: { id: string; domain: string }, metadata: Record<string, unknown> = {}) {
  return recordAudit(tx, {
    action,
    orgId: ctx.orgId,
    actor: ctx.actor,
    target: { type: "domain", id: row.id },
    metadata: { domain: row.domain, ...metadata },
    request: ctx.request,
  });
}

export async function listDomains(ctx: OrgContext): Promise<DomainView[]> {
  const rows = await db.orgDomain.findMany({ where: { orgId: ctx.orgId }, select, orderBy: [{ domain: "asc" }] });
  return rows.map(toView);
}

async function findRow(ctx: OrgContext, id: string): Promise<Row> {
  const row = await db.orgDomain.findFirst({ where: { id, orgId: ctx.orgId }, select });
  if (!row) throw new AppError("not_found");
  return row;
}

async function takenElsewhere(orgId: string, domain: string): Promise<boolean> {
  const other = await db.orgDomain.findFirst({ where: { verifiedDomain: domain, orgId: { not: orgId } }, select: { id: true } });
  return other !== null;
}

/** Claim a domain: a pending record with a fresh token. Claiming one it already has answers `conflict`. */
export async function addDomain(ctx: OrgContext, input: AddDomainInput): Promise<DomainView> {
  if (await takenElsewhere(ctx.orgId, input.domain)) throw new AppError("domain_taken");
  const token = randomBytes(24).toString("base64url");
  try {
    return await db.$transaction(async (tx) => {
      const count = await tx.orgDomain.count({ where: { orgId: ctx.orgId } });
      if (count >= MAX_DOMAINS) throw new AppError("conflict", `An organisation can claim at most ${MAX_DOMAINS} domains.`);
      const row = await tx.orgDomain.create({ data: { orgId: ctx.orgId, domain: input.domain, token }, select });
      await audit(tx, ctx, "domain.added", row, { record: recordName(row.domain) });
      return toView(row);
    });
  } catch (error) {
    if (isUniqueViolation(error)) throw new AppError("conflict", "This organisation has already claimed that domain.");
    throw error;
  }
}

/** What a DNS failure means for the person publishing the record. */
function lookupError(error: unknown, name: string): string {
  const code = (error as { code?: unknown })?.code;
  if (code === "ENOTFOUND" || code === "ENODATA" || code === "NXDOMAIN") return `No TXT record found at ${name}.`;
  if (code === "ETIMEOUT" || code === "ECONNREFUSED" || code === "ESERVFAIL") return `The DNS lookup of ${name} failed (${String(code)}); try again in a few minutes.`;
  return `The DNS lookup of ${name} failed; try again in a few minutes.`;
}

/**
 * Check the TXT record now. Found: the domain is verified (and audited);
 * verified by another org meanwhile: `domain_taken`. Not found or a DNS error:
 * the reason is kept on the domain (`lastError`) and answered as
 * `domain_verification_failed`. A verified domain is answered as it is.
 */
export async function verifyDomain(ctx: OrgContext, id: string, resolveTxt: TxtResolver = defaultTxtResolver()): Promise<DomainView> {
  // A verified domain routes sign-ins to the org's IdP and admits its users: a recent MFA check first.
  requireRecentMfa(ctx);
  const row = await findRow(ctx, id);
  if (row.verifiedAt) return toView(row);
  const name = recordName(row.domain);
  const expected = recordValue(row.token);
  let problem: string | null = null;
  try {
    const records = await resolveTxt(name);
    const values = records.map((chunks) => chunks.join("").trim());
    if (!values.includes(expected)) {
      problem = values.some((v) => v.startsWith(RECORD_VALUE_PREFIX))
        ? `The TXT record at ${name} does not carry this domain's token: publish ${expected}.`
        : `No gatehouse-verification TXT record at ${name}.`;
    }
  } catch (error) {
    problem = lookupError(error, name);
  }
  const now = new Date();
  if (problem === null && (await takenElsewhere(ctx.orgId, row.domain))) problem = "taken";
  if (problem !== null) {
    const lastError = problem === "taken" ? "Another organisation has verified this domain." : problem;
    await db.orgDomain.updateMany({ where: { id: row.id, orgId: ctx.orgId }, data: { lastCheckedAt: now, lastError } });
    if (problem === "taken") throw new AppError("domain_taken");
    throw new AppError("domain_verification_failed", problem);
  }
  try {
    return await db.$transaction(async (tx) => {
      const updated = await tx.orgDomain.update({
        where: { id: row.id },
        data: { verifiedAt: now, verifiedDomain: row.domain, lastCheckedAt: now, lastError: null },
        select,
      });
      await audit(tx, ctx, "domain.verified", updated, { record: name });
      return toView(updated);
    });
  } catch (error) {
    if (isUniqueViolation(error)) throw new AppError("domain_taken");
    throw error;
  }
}

/** Release a domain. Its SSO users can no longer sign in through the org's IdP until it is verified again. */
export async function removeDomain(ctx: OrgContext, id: string): Promise<void> {
  requireRecentMfa(ctx);
  const row = await findRow(ctx, id);
  await db.$transaction(async (tx) => {
    const { count } = await tx.orgDomain.deleteMany({ where: { id: row.id, orgId: ctx.orgId } });
    if (count === 0) throw new AppError("not_found");
    await audit(tx, ctx, "domain.removed", row, { wasVerified: row.verifiedAt !== null });
  });
}
