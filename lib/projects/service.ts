import "server-only";
import { recordAudit } from "@/lib/audit/record";
import { db } from "@/lib/db/client";
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
      await recordAudit(tx, {
        action: "project.created",
        orgId: ctx.orgId,
        projectId: project.id,
        actor: ctx.actor,
        target: { type: "project", id: project.id },
        metadata: { name: project.name },
        request: ctx.request,
      });
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
      await recordAudit(tx, {
        action: "project.renamed",
        orgId: ctx.orgId,
        projectId: project.id,
        actor: ctx.actor,
        target: { type: "project", id: project.id },
        metadata: { before: { name: before.name }, after: { name: project.name } },
        request: ctx.request,
      });
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
      await recordAudit(tx, {
        action: "project.deleted",
        orgId: ctx.orgId,
        projectId: project.id,
        actor: ctx.actor,
        target: { type: "project", id: project.id },
        metadata: { name: project.name },
        request: ctx.request,
      });
    });
  } catch (error) {
    mapWriteError(error);
  }
}
