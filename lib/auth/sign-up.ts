import "server-only";
import { z } from "zod";
import { recordAudit } from "@/lib/audit/record";
import { db } from "@/lib/db/client";
import { isUniqueViolation } from "@/lib/db/errors";
import { emailAddress } from "@/lib/orgs/email-domains";
import { AppError } from "@/lib/security/errors";
import type { RequestMeta } from "@/lib/security/request-meta";
import { hashPassword, password } from "./password";

export const signUpInput = z.object({
  name: z.string().trim().min(1, "Enter your name").max(100),
  email: emailAddress,
  password,
});

/** Create an account. Joining or creating an org is a separate, policy-checked step. */
export async function signUp(meta: RequestMeta, input: z.output<typeof signUpInput>) {
  const passwordHash = await hashPassword(input.password);
  try {
    return await db.$transaction(async (tx) => {
      const user = await tx.user.create({ data: { email: input.email, name: input.name, passwordHash }, select: { id: true, email: true } });
      await recordAudit(tx, {
        action: "auth.sign_up",
        orgId: null,
        actor: { type: "USER", id: user.id, label: user.email },
        target: { type: "user", id: user.id },
        request: meta,
      });
      return user;
    });
  } catch (error) {
    if (isUniqueViolation(error)) {
      throw new AppError("email_taken", "An account with this email already exists.", { issues: [{ path: "email", message: "Already registered: sign in instead" }] });
    }
    throw error;
  }
}
