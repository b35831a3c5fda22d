import "server-only";
import { evictApiKeysOfOrg } from "@/lib/api-keys/verify";
import { recordAudit } from "@/lib/audit/record";
import { db, type Tx } from "@/lib/db/client";
import type { OrgContext, OrgId } from "@/lib/security/context";
import { AppError } from "@/lib/security/errors";
import { requireRecentMfa } from "@/lib/security/step-up";
import {
  ORG_SETTINGS_FIELDS,
  PROJECT_SETTINGS_FIELDS,
  type OrgSettingsField,
  type OrgSettingsPatch,
  type OrgSettingsView,
  type ProjectSettingsField,
  type ProjectSettingsPatch,
  type ProjectSettingsView,
  type ProviderKeyMode,
} from "./schemas";

/**
 * Security and data-handling settings: one row per org, and per project the
 * overrides of retention, storage and provider-key mode (null = the org's
 * value). Every change is audited in its own transaction with the before and
 * after values of the fields it changed; a patch that changes nothing records
 * nothing. The API-key cache holds each key's effective storage settings and
 * provider-key mode, so a change evicts this instance's keys of the org at
 * once (other instances within the cache's TTL).
 */
type Client = Tx | typeof db;

interface OrgValues {
  retentionDays: number;
  storePrompts: boolean;
  storeResponses: boolean;
  storeInternalDebug: boolean;
  providerKeyMode: ProviderKeyMode;
}

interface ProjectRow {
  projectId: string;
  retentionDays: number | null;
  storePrompts: boolean | null;
  storeResponses: boolean | null;
  storeInternalDebug: boolean | null;
  providerKeyMode: ProviderKeyMode | null;
  updatedAt: Date;
}

const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

/** The fields a patch sets to something other than what `current` holds, in the order of `fields`. */
function changedFields<F extends string>(fields: readonly F[], current: Record<F, unknown>, patch: Partial<Record<F, unknown>>): F[] {
  return fields.filter((field) => patch[field] !== undefined && !same(patch[field], current[field]));
}

function pick<T extends object, K extends keyof T>(source: T, fields: readonly K[]): Pick<T, K> {
  return Object.fromEntries(fields.map((field) => [field, source[field]])) as Pick<T, K>;
}

/** The org's settings, created with the defaults when an older org has no row yet. */
async function orgRow(client: Client, orgId: OrgId) {
  const found = await client.orgSettings.findUnique({ where: { orgId } });
  if (found) return found;
  await client.orgSettings.createMany({ data: [{ orgId }], skipDuplicates: true });
  return client.orgSettings.findUniqueOrThrow({ where: { orgId } });
}

/** A project of this org's override row (created empty if missing), or 404 for any other project. */
async function projectRow(client: Client, orgId: OrgId, projectId: string): Promise<ProjectRow> {
  const project = await client.project.findFirst({ where: { id: projectId, orgId }, select: { id: true, settings: true } });
  if (!project) throw new AppError("not_found");
  if (project.settings) return project.settings;
  await client.projectSettings.createMany({ data: [{ projectId: project.id }], skipDuplicates: true });
  return client.projectSettings.findUniqueOrThrow({ where: { projectId: project.id } });
}

/** Each overridable field as the project sets it, as the org sets it, and as it applies. */
export function resolveProjectSettings(org: OrgValues, project: ProjectRow): ProjectSettingsView {
  const field = <T>(value: T | null, inherited: T) => ({ value, inherited, effective: value ?? inherited });
  return {
    projectId: project.projectId,
    retentionDays: field(project.retentionDays, org.retentionDays),
    storePrompts: field(project.storePrompts, org.storePrompts),
    storeResponses: field(project.storeResponses, org.storeResponses),
    storeInternalDebug: field(project.storeInternalDebug, org.storeInternalDebug),
    providerKeyMode: field(project.providerKeyMode, org.providerKeyMode),
    updatedAt: project.updatedAt,
  };
}

export async function getOrgSettings(orgId: OrgId): Promise<OrgSettingsView> {
  return orgRow(db, orgId);
}

export async function updateOrgSettings(ctx: OrgContext, patch: OrgSettingsPatch): Promise<{ settings: OrgSettingsView; changed: OrgSettingsField[] }> {
  const result = await db.$transaction(async (tx) => {
    await orgRow(tx, ctx.orgId);
    // Serialise writers of one org's settings: each sees the last one's values as "before".
    await tx.$executeRaw`SELECT 1 FROM org_settings WHERE org_id = ${ctx.orgId}::uuid FOR UPDATE`;
    const before = await tx.orgSettings.findUniqueOrThrow({ where: { orgId: ctx.orgId } });
    const changed = changedFields(ORG_SETTINGS_FIELDS, before, patch);
    if (changed.length === 0) return { settings: before, changed };
    // Lowering the bar (MFA for admins off, SSO no longer enforced) needs a recent MFA check.
    if ((changed.includes("requireMfaForAdmins") && !patch.requireMfaForAdmins) || (changed.includes("enforceSso") && !patch.enforceSso)) requireRecentMfa(ctx);
    const after = await tx.orgSettings.update({ where: { orgId: ctx.orgId }, data: pick(patch, changed) });
    await recordAudit(tx, {
      action: "settings.updated",
      orgId: ctx.orgId,
      actor: ctx.actor,
      target: { type: "org", id: ctx.orgId },
      metadata: { changed, before: pick(before, changed), after: pick(after, changed) },
      request: ctx.request,
    });
    return { settings: after, changed };
  });
  if (result.changed.length > 0) evictApiKeysOfOrg(ctx.orgId);
  return result;
}

export async function getProjectSettings(orgId: OrgId, projectId: string): Promise<ProjectSettingsView> {
  const project = await projectRow(db, orgId, projectId);
  return resolveProjectSettings(await orgRow(db, orgId), project);
}

export async function updateProjectSettings(
  ctx: OrgContext,
  projectId: string,
  patch: ProjectSettingsPatch,
): Promise<{ settings: ProjectSettingsView; changed: ProjectSettingsField[] }> {
  const result = await db.$transaction(async (tx) => {
    const found = await projectRow(tx, ctx.orgId, projectId);
    await tx.$executeRaw`SELECT 1 FROM project_settings WHERE project_id = ${found.projectId}::uuid FOR UPDATE`;
    const before = await tx.projectSettings.findUniqueOrThrow({ where: { projectId: found.projectId } });
    const changed = changedFields(PROJECT_SETTINGS_FIELDS, before, patch);
    let after = before;
    if (changed.length > 0) {
      after = await tx.projectSettings.update({ where: { projectId: found.projectId }, data: pick(patch, changed) });
      await recordAudit(tx, {
        action: "project_settings.updated",
        orgId: ctx.orgId,
        projectId: found.projectId,
        actor: ctx.actor,
        target: { type: "project", id: found.projectId },
        metadata: { changed, before: pick(before, changed), after: pick(after, changed) },
        request: ctx.request,
      });
    }
    return { settings: resolveProjectSettings(await orgRow(tx, ctx.orgId), after), changed };
  });
  if (result.changed.length > 0) evictApiKeysOfOrg(ctx.orgId);
  return result;
}
