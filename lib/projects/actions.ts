"use server";

import { orgAction } from "@/lib/security/org-action";
import { createProjectInput, projectParams, renameProjectInput } from "./schemas";
import { createProject, deleteProject, renameProject } from "./service";

export const createProjectAction = orgAction(createProjectInput, { permission: "projects.write" }, async (ctx, input) => {
  const project = await createProject(ctx, input);
  return { id: project.id, name: project.name };
});

export const renameProjectAction = orgAction(renameProjectInput.extend(projectParams.shape), { permission: "projects.write" }, async (ctx, input) => {
  const project = await renameProject(ctx, input.projectId, { name: input.name });
  return { id: project.id, name: project.name };
});

export const deleteProjectAction = orgAction(projectParams, { permission: "projects.write" }, async (ctx, input) => {
  await deleteProject(ctx, input.projectId);
  return null;
});
