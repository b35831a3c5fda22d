"use server";

import { publicAction } from "@/lib/security/org-action";
import { signUp, signUpInput } from "./sign-up";

/** Create an account (the client signs in right after). */
export const signUpAction = publicAction(signUpInput, { rateLimit: "signUpIp" }, async (meta, input) => {
  const user = await signUp(meta, input);
  return { email: user.email };
});
