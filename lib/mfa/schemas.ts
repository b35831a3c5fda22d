import { z } from "zod";

/** A TOTP code or a recovery code as typed: trimmed, checked by the service. */
export const mfaCodeInput = z.object({ code: z.string("Enter a code").trim().min(1, "Enter a code").max(40, "That code is too long") });
export type MfaCodeInput = z.output<typeof mfaCodeInput>;
