import "server-only";
import { z } from "zod";
import { recordAudit } from "@/lib/audit/record";
import { db, type Prisma, type Tx } from "@/lib/db/client";
import { isUniqueViolation } from "@/lib/db/errors";
import type { Role } from "@/lib/security/permissions";
import type { ScimContext } from "./context";
import { afterSuspend, reactivateMember, suspendMember, type SuspendOutcome } from "./deprovision";
import { scimError } from "./errors";
import { booleanAttribute, compileFilter, idAttribute, stringAttribute, type AttributeTable, type FilterNode } from "./filter";
import { applyScimRoles, scimDefaultRole } from "./roles";

/**
 * SCIM Users of an org. A SCIM user is a membership of the org (its `id` is
 * the membership id, so ids mean nothing in another org), with the user
 * behind it: `userName` is the user's email (lower case), `name` its display
 * name, `externalId` and `active` the membership's. Every query is scoped by
 * the token's org; filters compile to SQL (lib/scim/filter.ts).
 *
 * A membership DELETE'd through SCIM stays (SUSPENDED, `scimActive` null) for
 * its audit history but is no longer a SCIM user: GET answers 404 and a new
 * POST of the same userName provisions it again.
 */
export interface ScimUserInput {
  userName: string;
  externalId?: string | null;
  name?: { formatted?: string; givenName?: string; familyName?: string };
  displayName?: string;
  active?: boolean;
}

export interface ScimUserRecord {
  id: string;
  externalId?: string;
  userName: string;
  name?: { formatted: string; givenName?: string; familyName?: string };
  displayName?: string;
  emails: { value: string; type: "work"; primary: true }[];
  active: boolean;
  groups: { value: string; display: string; type: "direct" }[];
  meta: { resourceType: "User"; created: Date; lastModified: Date };
}

/** SCIM users are the org's memberships except those DELETE'd through SCIM. */
export const VISIBLE_MEMBERSHIP = { OR: [{ status: "ACTIVE" }, { scimActive: { not: null } }] } satisfies Prisma.MembershipWhereInput;

const userEmail = stringAttribute<Prisma.MembershipWhereInput>((email) => ({ user: { email } }), { caseExact: false, name: "userName" });
const userName = (name: string) =>
  stringAttribute<Prisma.MembershipWhereInput>((filter) => ({ user: { name: filter } }), { caseExact: false, name, present: { user: { name: { not: null } } } });

/** Attributes a Users filter may name (lower case), each compiled to SQL. */
export const USER_FILTER_ATTRIBUTES: AttributeTable<Prisma.MembershipWhereInput> = {
  id: idAttribute((id) => ({ id })),
  username: userEmail,
  emails: userEmail,
  "emails.value": userEmail,
  externalid: stringAttribute<Prisma.MembershipWhereInput>((scimExternalId) => ({ scimExternalId }), { caseExact: true, name: "externalId", present: { scimExternalId: { not: null } } }),
  active: booleanAttribute((active) => ({ status: active ? "ACTIVE" : "SUSPENDED" }), "active"),
  displayname: userName("displayName"),
  "name.formatted": userName("name.formatted"),
};

const memberSelect = {
  id: true,
  userId: true,
  role: true,
  status: true,
  scimExternalId: true,
  createdAt: true,
  updatedAt: true,
  user: { select: { email: true, name: true, updatedAt: true } },
  scimGroups: { select: { group: { select: { id: true, displayName: true } } }, orderBy: { groupId: "asc" } },
} as const satisfies Prisma.MembershipSelect;

type MemberRow = Prisma.MembershipGetPayload<{ select: typeof memberSelect }>;

/** "Ada Lovelace" → given "Ada", family "Lovelace": one name column holds what the IdP sent as formatted or given + family. */
function nameParts(name: string | null): ScimUserRecord["name"] {
  if (!name) return undefined;
  const space = name.lastIndexOf(" ");
  return space > 0 ? { formatted: name, givenName: name.slice(0, space), familyName: name.slice(space + 1) } : { formatted: name, givenName: name };
}

export function toScimUser(row: MemberRow): ScimUserRecord {
  const lastModified = row.user.updatedAt > row.updatedAt ? row.user.updatedAt : row.updatedAt;
  return {
    id: row.id,
    ...(row.scimExternalId ? { externalId: row.scimExternalId } : {}),
    userName: row.user.email,
    ...(row.user.name ? { name: nameParts(row.user.name), displayName: row.user.name } : {}),
    emails: [{ value: row.user.email, type: "work", primary: true }],
    active: row.status === "ACTIVE",
    groups: row.scimGroups.map(({ group }) => ({ value: group.id, display: group.displayName, type: "direct" })),
    meta: { resourceType: "User", created: row.createdAt, lastModified },
  };
}

const email = z.email();

/** `userName` is the member's email: trimmed, lower case, an address. */
function emailOf(userName: unknown): string {
  const value = typeof userName === "string" ? userName.trim().toLowerCase() : "";
  if (!email.safeParse(value).success || value.length > 320) throw scimError(400, "invalidValue", "userName must be the user's email address.");
  return value;
}

const domainOf = (address: string) => address.slice(address.lastIndexOf("@") + 1);

/**
 * The one name column from what the IdP sent: `name.formatted`, given +
 * family, or `displayName`. On an update, whichever of them differs from the
 * stored name wins, since a PATCH of one of them comes back with the others
 * as we last answered them.
 */
function displayNameOf(input: ScimUserInput, before: string | null = null): string | null {
  const formatted = input.name?.formatted?.trim() || null;
  const joined = [input.name?.givenName, input.name?.familyName].map((part) => part?.trim()).filter(Boolean).join(" ") || null;
  const display = input.displayName?.trim() || null;
  const candidates = [formatted, joined, display].filter((name): name is string => name !== null);
  const name = before === null ? candidates[0] : candidates.find((candidate) => candidate !== before);
  return name ? name.slice(0, 200) : null;
}

function externalIdOf(input: ScimUserInput): string | null {
  const value = typeof input.externalId === "string" ? input.externalId.trim() : "";
  return value ? value.slice(0, 256) : null;
}

async function verifiedDomains(tx: Tx, orgId: string): Promise<string[]> {
  const rows = await tx.orgDomain.findMany({ where: { orgId, verifiedDomain: { not: null } }, select: { verifiedDomain: true } });
  return rows.map((row) => row.verifiedDomain!).filter(Boolean);
}

/** With verified domains, only their addresses may be provisioned; without any, everyone may (and the audit event says so). */
function checkDomain(address: string, domains: string[]): "verified" | "no_verified_domains" {
  if (domains.length === 0) return "no_verified_domains";
  if (!domains.includes(domainOf(address))) {
    throw scimError(400, "invalidValue", `userName must be an address in one of the organisation's verified domains (${domains.join(", ")}).`);
  }
  return "verified";
}

/**
 * Whether SCIM may change the user's own profile (name, email): when the
 * org verified the user's email domain, or the user belongs to no other org.
 * A user linked by email into an org without verified domains keeps their
 * name and email, which other orgs see too.
 */
async function ownsIdentity(tx: Tx, orgId: string, userId: string, address: string, domains: string[]): Promise<boolean> {
  if (domains.includes(domainOf(address))) return true;
  const elsewhere = await tx.membership.count({ where: { userId, orgId: { not: orgId } } });
  return elsewhere === 0;
}

/** One SCIM writer per org at a time: uniqueness checks and role evaluation see each other's results. */
async function lockOrg(tx: Tx, orgId: string) {
  await tx.$queryRaw`SELECT id FROM orgs WHERE id = ${orgId}::uuid FOR UPDATE`;
}

async function findVisible(client: Tx | typeof db, orgId: string, id: string): Promise<MemberRow> {
  if (!z.uuid().safeParse(id).success) throw notFound(id);
  const row = await client.membership.findFirst({ where: { id, orgId, ...VISIBLE_MEMBERSHIP }, select: memberSelect });
  if (!row) throw notFound(id);
  return row;
}

const notFound = (id: string) => scimError(404, null, `User ${id.slice(0, 64)} not found.`);
const duplicate = () => scimError(409, "uniqueness", "A user with this userName already exists in this organisation.");

export interface Page<T> {
  total: number;
  rows: T[];
}

export async function listScimUsers(ctx: ScimContext, filter: FilterNode | null, startIndex: number, count: number): Promise<Page<ScimUserRecord>> {
  const where: Prisma.MembershipWhereInput = {
    orgId: ctx.orgId,
    AND: [VISIBLE_MEMBERSHIP, ...(filter ? [compileFilter(filter, USER_FILTER_ATTRIBUTES)] : [])],
  };
  const [total, rows] = await Promise.all([
    db.membership.count({ where }),
    count === 0 ? Promise.resolve([]) : db.membership.findMany({ where, select: memberSelect, orderBy: [{ createdAt: "asc" }, { id: "asc" }], skip: startIndex - 1, take: count }),
  ]);
  return { total, rows: rows.map(toScimUser) };
}

export async function getScimUser(ctx: ScimContext, id: string): Promise<ScimUserRecord> {
  return toScimUser(await findVisible(db, ctx.orgId, id));
}

/**
 * POST /Users: the user with this email (created without a password if new,
 * linked if it exists) becomes a member with the role SCIM gives it. A
 * userName already a SCIM user of the org answers 409 `uniqueness`.
 */
export async function createScimUser(ctx: ScimContext, input: ScimUserInput): Promise<ScimUserRecord> {
  const address = emailOf(input.userName);
  const active = input.active ?? true;
  try {
    const row = await db.$transaction(async (tx) => {
      await lockOrg(tx, ctx.orgId);
      const domains = await verifiedDomains(tx, ctx.orgId);
      const domainCheck = checkDomain(address, domains);
      const name = displayNameOf(input);
      let user = await tx.user.findUnique({ where: { email: address }, select: { id: true, name: true } });
      const userCreated = !user;
      if (!user) user = await tx.user.create({ data: { email: address, name }, select: { id: true, name: true } });
      else if (name && name !== user.name && (await ownsIdentity(tx, ctx.orgId, user.id, address, domains))) {
        await tx.user.update({ where: { id: user.id }, data: { name } });
      }
      const existing = await tx.membership.findUnique({ where: { orgId_userId: { orgId: ctx.orgId, userId: user.id } }, select: { id: true, status: true, scimActive: true, role: true } });
      if (existing && (existing.status === "ACTIVE" || existing.scimActive !== null)) throw duplicate();
      const defaultRole: Role = await scimDefaultRole(tx, ctx.orgId);
      const now = new Date();
      const state = { status: active ? ("ACTIVE" as const) : ("SUSPENDED" as const), suspendedAt: active ? null : now, scimActive: active, scimExternalId: externalIdOf(input) };
      const membership = existing
        ? await tx.membership.update({ where: { id: existing.id }, data: state, select: { id: true } })
        : await tx.membership.create({ data: { orgId: ctx.orgId, userId: user.id, role: defaultRole, ...state }, select: { id: true } });
      // A member provisioned again after a DELETE starts over: no groups, the default role.
      const roleChanges = existing ? await applyScimRoles(tx, ctx, [membership.id]) : [];
      await recordAudit(tx, {
        action: "scim.user.provisioned",
        orgId: ctx.orgId,
        actor: ctx.actor,
        target: { type: "user", id: user.id },
        metadata: {
          email: address,
          scimId: membership.id,
          userCreated,
          reprovisioned: Boolean(existing),
          role: roleChanges[0]?.after ?? existing?.role ?? defaultRole,
          active,
          externalId: state.scimExternalId,
          domainCheck,
        },
        request: ctx.request,
      });
      return tx.membership.findUniqueOrThrow({ where: { id: membership.id }, select: memberSelect });
    });
    return toScimUser(row);
  } catch (error) {
    // A concurrent POST of the same userName lost the race on a unique index.
    if (isUniqueViolation(error)) throw duplicate();
    throw error;
  }
}

/**
 * PUT /Users/{id}, and PATCH once scimmy applied the operations: the whole
 * representation. `active: false` deprovisions, `active: true` reactivates;
 * an absent `active` keeps the state. The email (userName) changes only from
 * and to the org's verified domains, and never onto another user's address;
 * the name only where the org owns the identity (ownsIdentity above).
 */
export async function replaceScimUser(ctx: ScimContext, id: string, input: ScimUserInput): Promise<ScimUserRecord> {
  const address = emailOf(input.userName);
  let suspended: SuspendOutcome | null = null;
  try {
    const row = await db.$transaction(async (tx) => {
      await lockOrg(tx, ctx.orgId);
      const before = await findVisible(tx, ctx.orgId, id);
      const member = { id: before.id, userId: before.userId, email: before.user.email };
      const domains = await verifiedDomains(tx, ctx.orgId);
      const changed: string[] = [];
      const owns = await ownsIdentity(tx, ctx.orgId, before.userId, before.user.email, domains);

      if (address !== before.user.email) {
        // An email is a sign-in identity: it moves only from one of the org's verified domains to another.
        if (!domains.includes(domainOf(before.user.email)) || !domains.includes(domainOf(address))) {
          throw scimError(400, "mutability", "userName can change only from and to addresses in the organisation's verified domains.");
        }
        await tx.user.update({ where: { id: before.userId }, data: { email: address } });
        changed.push("userName");
      }
      const name = displayNameOf(input, before.user.name);
      if (name !== null && name !== before.user.name && owns) {
        await tx.user.update({ where: { id: before.userId }, data: { name } });
        changed.push("name");
      }
      const externalId = externalIdOf(input);
      if (externalId !== before.scimExternalId) changed.push("externalId");
      await tx.membership.update({ where: { id: before.id }, data: { scimExternalId: externalId, ...(before.status === "ACTIVE" ? { scimActive: true } : {}) } });

      const wantActive = input.active ?? before.status === "ACTIVE";
      if (before.role === "OWNER" && !wantActive) {
        throw scimError(403, null, "Owners are managed in the console only: SCIM cannot deprovision an OWNER membership.");
      }
      if (changed.length > 0) {
        await recordAudit(tx, {
          action: "scim.user.updated",
          orgId: ctx.orgId,
          actor: ctx.actor,
          target: { type: "user", id: before.userId },
          metadata: {
            email: address,
            scimId: before.id,
            changed,
            before: { userName: before.user.email, name: before.user.name, externalId: before.scimExternalId },
            after: { userName: address, name: owns ? (name ?? before.user.name) : before.user.name, externalId },
          },
          request: ctx.request,
        });
      }
      if (!wantActive && before.status === "ACTIVE") suspended = await suspendMember(tx, ctx, { ...member, email: address }, "active_false");
      else if (wantActive && before.status === "SUSPENDED") await reactivateMember(tx, ctx, { ...member, email: address });
      return tx.membership.findUniqueOrThrow({ where: { id: before.id }, select: memberSelect });
    });
    if (suspended) afterSuspend(suspended);
    return toScimUser(row);
  } catch (error) {
    if (isUniqueViolation(error)) throw scimError(409, "uniqueness", "Another user already has this userName.");
    throw error;
  }
}

/**
 * DELETE /Users/{id}: deprovisions like `active: false` (suspended, key
 * policy applied, groups left) and hides the member from SCIM; the row and
 * its audit history stay.
 */
export async function deleteScimUser(ctx: ScimContext, id: string): Promise<void> {
  const outcome = await db.$transaction(async (tx) => {
    await lockOrg(tx, ctx.orgId);
    const row = await findVisible(tx, ctx.orgId, id);
    if (row.role === "OWNER") throw scimError(403, null, "Owners are managed in the console only: SCIM cannot delete an OWNER membership.");
    return suspendMember(tx, ctx, { id: row.id, userId: row.userId, email: row.user.email }, "deleted");
  });
  afterSuspend(outcome);
}
