import "server-only";
import { randomBytes } from "node:crypto";
import { SYSTEM_ACTOR } from "@/lib/audit/actions";
import { recordAudit } from "@/lib/audit/record";
import { hashPassword } from "@/lib/auth/password";
import { db } from "./client";

export const DEMO_OWNER_EMAIL = "owner@demo.gatehouse.local";
export const DEMO_ORG_SLUG = "demo";

/**
 * The demo org of the embedded default: an org, its OWNER and a project.
 * Idempotent: returns null when the demo owner exists already (its password
 * was printed when it was created and is kept in .data/ by the dev runner).
 */
export async function seedDemo(): Promise<{ email: string; password: string; orgSlug: string } | null> {
  if (await db.user.findUnique({ where: { email: DEMO_OWNER_EMAIL }, select: { id: true } })) return null;
  const password = randomBytes(12).toString("base64url");
  const passwordHash = await hashPassword(password);
  await db.$transaction(async (tx) => {
    const user = await tx.user.create({ data: { email: DEMO_OWNER_EMAIL, name: "Demo Owner", passwordHash } });
    const org = await tx.org.create({
      data: {
        name: "Demo Org",
        slug: DEMO_ORG_SLUG,
        settings: { create: {} },
        memberships: { create: { userId: user.id, role: "OWNER" } },
        projects: { create: { name: "Default project", settings: { create: {} } } },
      },
      include: { projects: true },
    });
    const actor = SYSTEM_ACTOR("seed");
    await recordAudit(tx, { action: "org.created", orgId: org.id, actor, target: { type: "org", id: org.id }, metadata: { name: org.name, slug: org.slug, owner: user.email } });
    for (const project of org.projects) {
      await recordAudit(tx, { action: "project.created", orgId: org.id, projectId: project.id, actor, target: { type: "project", id: project.id }, metadata: { name: project.name } });
    }
  });
  return { email: DEMO_OWNER_EMAIL, password, orgSlug: DEMO_ORG_SLUG };
}
