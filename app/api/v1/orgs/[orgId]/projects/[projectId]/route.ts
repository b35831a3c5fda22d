import { deleteProject, getProject, renameProject } from "@/lib/projects/service";
import { projectDto, projectParams, renameProjectInput } from "@/lib/projects/schemas";
import { withOrg, withOrgOrKey } from "@/lib/security/route";

export const GET = withOrgOrKey({ permission: "projects.read", params: projectParams, response: projectDto }, (ctx, { params }) =>
  getProject(ctx.orgId, params.projectId),
);

export const PATCH = withOrg(
  { permission: "projects.write", params: projectParams, body: renameProjectInput, response: projectDto },
  (ctx, { params, body }) => renameProject(ctx, params.projectId, body),
);

export const DELETE = withOrg({ permission: "projects.write", params: projectParams, status: 204 }, (ctx, { params }) =>
  deleteProject(ctx, params.projectId),
);
