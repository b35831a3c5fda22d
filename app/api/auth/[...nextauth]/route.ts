import NextAuth from "next-auth";
import type { NextRequest } from "next/server";
import { authRequest } from "@/lib/sso/oidc-auth";

export const dynamic = "force-dynamic";

type Ctx = { params: Promise<{ nextauth: string[] }> };

/**
 * next-auth, with options built per request: the sign-in start and callback
 * of an org's OIDC connection (`oidc-<connectionId>`) add that connection as a
 * provider, read from the database (lib/sso/oidc-auth.ts).
 */
async function handler(req: NextRequest, ctx: Ctx) {
  const params = await ctx.params;
  const auth = await authRequest(req, params.nextauth);
  if (auth instanceof Response) return auth;
  return auth.finish(await NextAuth(req, { params }, auth.options));
}

export { handler as GET, handler as POST };
