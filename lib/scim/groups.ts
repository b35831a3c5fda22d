import "server-only";
import { z } from "zod";
import { recordAudit } from "@/lib/audit/record";
import { db, type Prisma, type Tx } from "@/lib/db/client";
import { isUniqueViolation } from "@/lib/db/errors";
import type { OrgContext, OrgId } from "@/lib/security/context";
import { AppError } from "@/lib/security/errors";
import { requireRecentMfa } from "@/lib/security/step-up";
import type { Acting } from "./acting";
import type { ScimContext } from "./context";
import { scimError } from "./errors";
import { compileFilter, idAttribute, stringAttribute, type AttributeTable, type FilterNode } from "./filter";
import { applyScimRoles, type RoleChange } from "./roles";
import type { ScimGroupView, ScimRole } from "./schemas";
import { VISIBLE_MEMBERSHIP, type Page } from "./users";

/**
 * SCIM Groups of an org and their members (SCIM users, i.e. memberships of
 * the org). A group may map to a role (set in the console); a member's role
 * is then the highest role its mapped groups give (lib/scim/roles.ts). A
 * change that involves a mapped group (members in or out, the mapping
 * itself, deleting it) re-evaluates the roles of the members concerned;
 * groups without a mapping never change a role.
 */
export interface ScimGroupInput {
  displayName: string;
  externalId?: string | null;
  members?: { value?: string }[];
}

export interface ScimGroupRecord {
  id: string;
  displayName: string;
  externalId?: string;
  members?: { value: string; display: string; type: "User" }[];
  meta: { resourceType: "Group"; created: Date; lastModified: Date };
}

const uuid = z.uuid();

export const GROUP_FILTER_ATTRIBUTES: AttributeTable<Prisma.ScimGroupWhereInput> = {
  id: idAttribute((id) => ({ id })),
  displayname: stringAttribute<Prisma.ScimGroupWhereInput>((displayName) => ({ displayName }), { caseExact: false, name: "displayName" }),
  externalid: stringAttribute<Prisma.ScimGroupWhereInput>((externalId) => ({ externalId }), { caseExact: true, name: "externalId", present: { externalId: { not: null } } }),
  members: idAttribute((membershipId) => ({ members: { some: { membershipId } } })),
  "members.value": idAttribute((membershipId) => ({ members: { some: { membershipId } } })),
};

/** Members always selected, none of them when the caller excluded them (`take: 0`). */
const groupSelect = (withMembers: boolean) =>
  ({
    id: true,
    displayName: true,
    externalId: true,
    role: true,
    createdAt: true,
    updatedAt: true,
    members: {
      select: { membership: { select: { id: true, user: { select: { email: true } } } } },
      orderBy: { membershipId: "asc" as const },
      ...(withMembers ? {} : { take: 0 }),
    },
  }) satisfies Prisma.ScimGroupSelect;

type GroupRow = Prisma.ScimGroupGetPayload<{ select: ReturnType<typeof groupSelect> }>;

export function toScimGroup(row: GroupRow, withMembers = true): ScimGroupRecord {
  return {
    id: row.id,
    displayName: row.displayName,
    ...(row.externalId ? { externalId: row.externalId } : {}),
    ...(withMembers ? { members: row.members.map(({ membership }) => ({ value: membership.id, display: membership.user.email, type: "User" as const })) } : {}),
    meta: { resourceType: "Group", created: row.createdAt, lastModified: row.updatedAt },
  };
}

const notFound = (id: string) => scimError(404, null, `Group ${id.slice(0, 64)} not found.`);
const duplicate = () => scimError(409, "uniqueness", "A group with this displayName already exists in this organisation.");

async function lockOrg(tx: Tx, orgId: string) {
  await tx.$queryRaw`SELECT id FROM orgs WHERE id = ${orgId}::uuid FOR UPDATE`;
}

async function findGroup(client: Tx | typeof db, orgId: string, id: string, withMembers = true): Promise<GroupRow> {
  if (!uuid.safeParse(id).success) throw notFound(id);
  const row = await client.scimGroup.findFirst({ where: { id, orgId }, select: groupSelect(withMembers) });
  if (!row) throw notFound(id);
  return row;
}

function displayNameOf(input: ScimGroupInput): string {
  const name = typeof input.displayName === "string" ? input.displayName.trim() : "";
  if (!name || name.length > 256 || /\p{Cc}/u.test(name)) throw scimError(400, "invalidValue", "displayName must be 1 to 256 characters, no control characters.");
  return name;
}

const externalIdOf = (input: ScimGroupInput) => (typeof input.externalId === "string" && input.externalId.trim() ? input.externalId.trim().slice(0, 256) : null);

/** The members' ids, each a SCIM user of this org; anything else is refused without saying whose it might be. */
async function resolveMembers(tx: Tx, orgId: string, input: ScimGroupInput): Promise<string[]> {
  const values = [...new Set((input.members ?? []).map((member) => (typeof member?.value === "string" ? member.value.trim().toLowerCase() : "")))];
  if (values.length === 0) return [];
  if (values.length > 10_000) throw scimError(413, "tooMany", "At most 10000 members per request.");
  const unknown = values.filter((value) => !uuid.safeParse(value).success);
  const found = await tx.membership.findMany({
    where: { orgId, id: { in: values.filter((value) => uuid.safeParse(value).success) }, ...VISIBLE_MEMBERSHIP },
    select: { id: true },
  });
  const known = new Set(found.map((row) => row.id));
  unknown.push(...values.filter((value) => uuid.safeParse(value).success && !known.has(value)));
  if (unknown.length > 0) throw scimError(400, "invalidValue", `Not users of this organisation: ${unknown.slice(0, 5).join(", ")}${unknown.length > 5 ? ", …" : ""}`);
  return values;
}

async function ensureNameFree(tx: Tx, orgId: string, displayName: string, except: string | null) {
  const taken = await tx.scimGroup.findFirst({
    where: { orgId, displayName: { equals: displayName, mode: "insensitive" }, ...(except ? { id: { not: except } } : {}) },
    select: { id: true },
  });
  if (taken) throw duplicate();
}

export async function listScimGroups(ctx: ScimContext, filter: FilterNode | null, startIndex: number, count: number, withMembers: boolean): Promise<Page<ScimGroupRecord>> {
  const where: Prisma.ScimGroupWhereInput = { orgId: ctx.orgId, ...(filter ? { AND: [compileFilter(filter, GROUP_FILTER_ATTRIBUTES)] } : {}) };
  const [total, rows] = await Promise.all([
    db.scimGroup.count({ where }),
    count === 0 ? Promise.resolve([]) : db.scimGroup.findMany({ where, select: groupSelect(withMembers), orderBy: [{ createdAt: "asc" }, { id: "asc" }], skip: startIndex - 1, take: count }),
  ]);
  return { total, rows: rows.map((row) => toScimGroup(row, withMembers)) };
}

export async function getScimGroup(ctx: ScimContext, id: string, withMembers = true): Promise<ScimGroupRecord> {
  return toScimGroup(await findGroup(db, ctx.orgId, id, withMembers), withMembers);
}

function auditGroup(tx: Tx, acting: Acting, action: "scim.group.created" | "scim.group.updated" | "scim.group.deleted", groupId: string, metadata: Record<string, unknown>) {
  return recordAudit(tx, { action, orgId: acting.orgId, actor: acting.actor, target: { type: "scim_group", id: groupId }, metadata, request: acting.request });
}

const summary = (changes: RoleChange[]) => changes.map((c) => ({ email: c.email, before: c.before, after: c.after }));

export async function createScimGroup(ctx: ScimContext, input: ScimGroupInput): Promise<ScimGroupRecord> {
  const displayName = displayNameOf(input);
  try {
    const row = await db.$transaction(async (tx) => {
      await lockOrg(tx, ctx.orgId);
      await ensureNameFree(tx, ctx.orgId, displayName, null);
      const members = await resolveMembers(tx, ctx.orgId, input);
      const group = await tx.scimGroup.create({
        data: { orgId: ctx.orgId, displayName, externalId: externalIdOf(input), members: { create: members.map((membershipId) => ({ membershipId })) } },
        select: { id: true },
      });
      // A new group maps no role yet: nobody's role changes.
      await auditGroup(tx, ctx, "scim.group.created", group.id, { displayName, externalId: externalIdOf(input), members: members.length });
      return findGroup(tx, ctx.orgId, group.id);
    });
    return toScimGroup(row);
  } catch (error) {
    if (isUniqueViolation(error)) throw duplicate();
    throw error;
  }
}

/** PUT /Groups/{id}, and PATCH once scimmy applied the operations: name, externalId and the whole member list (absent: none). */
export async function replaceScimGroup(ctx: ScimContext, id: string, input: ScimGroupInput): Promise<ScimGroupRecord> {
  const displayName = displayNameOf(input);
  try {
    const row = await db.$transaction(async (tx) => {
      await lockOrg(tx, ctx.orgId);
      const before = await findGroup(tx, ctx.orgId, id);
      if (displayName.toLowerCase() !== before.displayName.toLowerCase()) await ensureNameFree(tx, ctx.orgId, displayName, before.id);
      // The whole representation: no members means none (scimmy leaves the attribute out once a PATCH removed the last one).
      const wanted = new Set(await resolveMembers(tx, ctx.orgId, input));
      const current = new Set(before.members.map((m) => m.membership.id));
      const added = [...wanted].filter((m) => !current.has(m));
      const removed = [...current].filter((m) => !wanted.has(m));
      const externalId = externalIdOf(input);
      await tx.scimGroup.update({ where: { id: before.id }, data: { displayName, externalId } });
      if (removed.length) await tx.scimGroupMember.deleteMany({ where: { groupId: before.id, membershipId: { in: removed } } });
      if (added.length) await tx.scimGroupMember.createMany({ data: added.map((membershipId) => ({ groupId: before.id, membershipId })), skipDuplicates: true });
      const roleChanges = before.role ? await applyScimRoles(tx, ctx, [...added, ...removed]) : [];
      const renamed = displayName !== before.displayName;
      if (renamed || externalId !== before.externalId || added.length || removed.length) {
        const emails = new Map(before.members.map((m) => [m.membership.id, m.membership.user.email]));
        await auditGroup(tx, ctx, "scim.group.updated", before.id, {
          displayName,
          ...(renamed ? { before: { displayName: before.displayName }, after: { displayName } } : {}),
          ...(externalId !== before.externalId ? { externalId } : {}),
          added: added.length,
          removed: removed.map((m) => emails.get(m) ?? m),
          roleChanges: summary(roleChanges),
        });
      }
      return findGroup(tx, ctx.orgId, before.id);
    });
    return toScimGroup(row);
  } catch (error) {
    if (isUniqueViolation(error)) throw duplicate();
    throw error;
  }
}

export async function deleteScimGroup(ctx: ScimContext, id: string): Promise<void> {
  await db.$transaction(async (tx) => {
    await lockOrg(tx, ctx.orgId);
    const group = await findGroup(tx, ctx.orgId, id);
    const members = group.members.map((m) => m.membership.id);
    await tx.scimGroup.delete({ where: { id: group.id } });
    const roleChanges = group.role ? await applyScimRoles(tx, ctx, members) : [];
    await auditGroup(tx, ctx, "scim.group.deleted", group.id, { displayName: group.displayName, role: group.role, members: members.length, roleChanges: summary(roleChanges) });
  });
}

/** The console's view of the org's groups, with their mapping and member counts. */
export async function listGroupsForConsole(orgId: OrgId): Promise<ScimGroupView[]> {
  const rows = await db.scimGroup.findMany({
    where: { orgId },
    select: { id: true, displayName: true, externalId: true, role: true, updatedAt: true, _count: { select: { members: true } } },
    orderBy: [{ displayName: "asc" }, { id: "asc" }],
    take: 1_000,
  });
  return rows.map(({ _count, role, ...row }) => ({ ...row, role: role === "OWNER" ? null : role, members: _count.members }));
}

/**
 * Map a group to a role (or to none) from the console; its members' roles
 * follow at once, in the same transaction, each change audited. It hands out
 * roles wholesale, so it needs a recent MFA check (step-up).
 */
export async function setScimGroupRole(ctx: OrgContext, groupId: string, role: ScimRole | null): Promise<ScimGroupView> {
  requireRecentMfa(ctx);
  await db.$transaction(async (tx) => {
    await lockOrg(tx, ctx.orgId);
    const group = await tx.scimGroup.findFirst({ where: { id: groupId, orgId: ctx.orgId }, select: { id: true, displayName: true, role: true, members: { select: { membershipId: true } } } });
    if (!group) throw new AppError("not_found");
    if (group.role === role) return;
    await tx.scimGroup.update({ where: { id: group.id }, data: { role } });
    const roleChanges = await applyScimRoles(
      tx,
      ctx,
      group.members.map((m) => m.membershipId),
    );
    await auditGroup(tx, ctx, "scim.group.updated", group.id, {
      displayName: group.displayName,
      before: { role: group.role },
      after: { role },
      roleChanges: summary(roleChanges),
    });
  });
  const view = (await listGroupsForConsole(ctx.orgId)).find((g) => g.id === groupId);
  if (!view) throw new AppError("not_found");
  return view;
}
