import "server-only";
import type { AuditAction } from "@/lib/audit/actions";
import { recordAudit } from "@/lib/audit/record";
import { db, type Tx } from "@/lib/db/client";
import { isRecordMissing, isUniqueViolation } from "@/lib/db/errors";
import type { OrgContext, OrgId } from "@/lib/security/context";
import { AppError } from "@/lib/security/errors";

const nameTaken = () =>
  new AppError("conflict", "A project with this name already exists.", { issues: [{ path: "name", message: "Name already in use" }] });

function mapWriteError(error: unknown): never {
  if (isUniqueViolation(error)) throw nameTaken();
  if (isRecordMissing(error)) throw new AppError("not_found");
  throw error;
}

function auditProject(tx: Tx, ctx: OrgContext, action: AuditAction, projectId: string, metadata: Record<string, unknown>) {
  return recordAudit(tx, {
    action,
    orgId: ctx.orgId,
    projectId,
    actor: ctx.actor,
    target: { type: "project", id: projectId },
    metadata,
    request: ctx.request,
  });
}

export async function listProjects(orgId: OrgId) {
  return db.project.findMany({ where: { orgId }, orderBy: { createdAt: "asc" } });
}

/** A project of this org, or 404: an id from another org is indistinguishable from a missing one. */
export async function getProject(orgId: OrgId, projectId: string) {
  const project = await db.project.findFirst({ where: { id: projectId, orgId } });
  if (!project) throw new AppError("not_found");
  return project;
}

export async function createProject(ctx: OrgContext, input: { name: string }) {
  try {
    return await db.$transaction(async (tx) => {
      const project = await tx.project.create({ data: { orgId: ctx.orgId, name: input.name, settings: { create: {} } } });
      await auditProject(tx, ctx, "project.created", project.id, { name: project.name });
      return project;
    });
  } catch (error) {
    mapWriteError(error);
  }
}

export async function renameProject(ctx: OrgContext, projectId: string, input: { name: string }) {
  const before = await getProject(ctx.orgId, projectId);
  try {
    return await db.$transaction(async (tx) => {
      const project = await tx.project.update({ where: { id: before.id }, data: { name: input.name } });
      await auditProject(tx, ctx, "project.renamed", project.id, { before: { name: before.name }, after: { name: project.name } });
      return project;
    });
  } catch (error) {
    mapWriteError(error);
  }
}

export async function deleteProject(ctx: OrgContext, projectId: string) {
  const project = await getProject(ctx.orgId, projectId);
  try {
    await db.$transaction(async (tx) => {
      await tx.project.delete({ where: { id: project.id } });
      await auditProject(tx, ctx, "project.deleted", project.id, { name: project.name });
    });
  } catch (error) {
    mapWriteError(error);
  }
}
