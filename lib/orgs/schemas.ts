import { z } from "zod";
import { ROLES } from "@/lib/security/permissions";

export const orgName = z.string().trim().min(2, "At least 2 characters").max(80, "At most 80 characters");

export const createOrgInput = z.object({ name: orgName });
export const updateOrgInput = z.object({ name: orgName });

export const orgDto = z.object({
  id: z.uuid(),
  slug: z.string(),
  name: z.string(),
  createdAt: z.date().transform((d) => d.toISOString()),
});

export const myOrgDto = orgDto.extend({ role: z.enum(ROLES) });
export type OrgDto = z.input<typeof orgDto>;
