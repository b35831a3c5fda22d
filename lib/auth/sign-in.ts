import "server-only";
import { createHash } from "node:crypto";
import { z } from "zod";
import { recordAudit } from "@/lib/audit/record";
import { db } from "@/lib/db/client";
import { checkRateLimit } from "@/lib/ratelimit";
import { emailAddress } from "@/lib/orgs/email-domains";
import type { RequestMeta } from "@/lib/security/request-meta";
import { verifyPassword } from "./password";

const credentials = z.object({ email: emailAddress, password: z.string().min(1).max(200) });

export type SignInOutcome =
  | { ok: true; user: { id: string; email: string; name: string | null } }
  | { ok: false; reason: "invalid" | "rate_limited" | "disabled" };

async function audit(meta: RequestMeta, action: "auth.sign_in.succeeded" | "auth.sign_in.failed" | "auth.sign_in.rate_limited", user: { id: string; email: string } | null, email: string, reason?: string) {
  await db.$transaction((tx) =>
    recordAudit(tx, {
      action,
      orgId: null,
      actor: user ? { type: "USER", id: user.id, label: user.email } : { type: "ANONYMOUS", id: null, label: email.slice(0, 254) },
      target: user ? { type: "user", id: user.id } : null,
      metadata: reason ? { reason } : {},
      request: meta,
    }),
  );
}

/**
 * Check an email and password. Limited per client IP and per email, failing
 * closed; every outcome is audited; unknown email, wrong password and a
 * disabled account look the same to the caller except for "disabled" which is
 * shown only after a correct password.
 */
export async function verifyCredentials(raw: unknown, meta: RequestMeta): Promise<SignInOutcome> {
  const parsed = credentials.safeParse(raw);
  if (!parsed.success) return { ok: false, reason: "invalid" };
  const { email, password } = parsed.data;
  const emailKey = createHash("sha256").update(email).digest("hex").slice(0, 32);
  const [byIp, byEmail] = await Promise.all([
    checkRateLimit("signInIp", `ip:${meta.ip ?? "unknown"}`),
    checkRateLimit("signInEmail", `email:${emailKey}`),
  ]);
  if (!byIp.success || !byEmail.success) {
    await audit(meta, "auth.sign_in.rate_limited", null, email, !byIp.success ? "ip" : "email");
    return { ok: false, reason: "rate_limited" };
  }
  const user = await db.user.findUnique({ where: { email }, select: { id: true, email: true, name: true, passwordHash: true, disabledAt: true } });
  const valid = await verifyPassword(user?.passwordHash, password);
  if (!user || !valid) {
    await audit(meta, "auth.sign_in.failed", user, email, user ? "wrong_password" : "unknown_email");
    return { ok: false, reason: "invalid" };
  }
  if (user.disabledAt) {
    await audit(meta, "auth.sign_in.failed", user, email, "disabled");
    return { ok: false, reason: "disabled" };
  }
  await audit(meta, "auth.sign_in.succeeded", user, email);
  return { ok: true, user: { id: user.id, email: user.email, name: user.name } };
}
