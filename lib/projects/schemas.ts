import { z } from "zod";

export const projectName = z
  .string()
  .trim()
  .min(2, "At least 2 characters")
  .max(60, "At most 60 characters")
  .regex(/^[\p{L}\p{N}][\p{L}\p{N} ._-]*$/u, "Letters, digits, spaces, dots, dashes and underscores only");

export const createProjectInput = z.object({ name: projectName });
export const renameProjectInput = z.object({ name: projectName });
export const projectParams = z.object({ projectId: z.uuid() });

export const projectDto = z.object({
  id: z.uuid(),
  orgId: z.uuid(),
  name: z.string(),
  createdAt: z.date().transform((d) => d.toISOString()),
  updatedAt: z.date().transform((d) => d.toISOString()),
});
