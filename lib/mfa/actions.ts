"use server";

import { markSessionMfaVerified } from "@/lib/auth/session-cookie";
import { userAction } from "@/lib/security/org-action";
import { mfaCodeInput } from "./schemas";
import { confirmEnrolment, disableMfa, regenerateRecoveryCodes, verifyMfa } from "./service";

/**
 * The MFA server actions of the signed-in user. Each successful check
 * re-issues the session cookie with `mfaAt` = now: that is what admits an
 * OWNER or ADMIN where the org requires MFA, and what step-up looks for.
 */
export const confirmEnrolmentAction = userAction(mfaCodeInput, {}, async (ctx, input) => {
  const { recoveryCodes } = await confirmEnrolment(ctx, input.code);
  await markSessionMfaVerified(ctx.principal);
  return { recoveryCodes };
});

export const verifyMfaAction = userAction(mfaCodeInput, {}, async (ctx, input) => {
  const result = await verifyMfa(ctx, input.code);
  await markSessionMfaVerified(ctx.principal);
  return result;
});

export const regenerateRecoveryCodesAction = userAction(mfaCodeInput, {}, async (ctx, input) => {
  const result = await regenerateRecoveryCodes(ctx, input.code);
  await markSessionMfaVerified(ctx.principal);
  return result;
});

export const disableMfaAction = userAction(mfaCodeInput, {}, async (ctx, input) => {
  await disableMfa(ctx, input.code);
  return null;
});
