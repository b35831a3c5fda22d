import { z } from "zod";
import { createProject, listProjects } from "@/lib/projects/service";
import { createProjectInput, projectDto } from "@/lib/projects/schemas";
import { withOrg } from "@/lib/security/route";

export const GET = withOrg({ permission: "projects.read", response: z.object({ data: z.array(projectDto) }) }, async (ctx) => ({
  data: await listProjects(ctx.orgId),
}));

export const POST = withOrg({ permission: "projects.write", body: createProjectInput, response: projectDto, status: 201 }, (ctx, { body }) =>
  createProject(ctx, body),
);
