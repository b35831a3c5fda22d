import "server-only";
import { cookies, headers } from "next/headers";
import { notFound, redirect } from "next/navigation";
import { cache } from "react";
import { db } from "@/lib/db/client";
import { env } from "@/lib/env";
import { authenticateUser } from "./authenticate";
import { authorizeOrg } from "./authorize";
import { userActor, type OrgContext, type UserContext, type UserPrincipal } from "./context";
import { AppError } from "./errors";
import type { Permission } from "./permissions";
import { requestMeta } from "./request-meta";

/**
 * The door for server-rendered console pages: the same authenticate and
 * authorise steps as handlers and actions. Not signed in → sign-in page;
 * not a member (or no such org) → 404; missing permission → 404 as well,
 * since a page has nothing partial to show. An owner or admin without the MFA
 * check the org requires → /mfa (and back); a session the org's enforced SSO
 * does not admit → /sso-required, which links to the org's SSO sign-in.
 */
export async function pageUser(callbackUrl = "/"): Promise<UserContext> {
  const [headerStore, cookieStore] = await Promise.all([headers(), cookies()]);
  try {
    const principal = await authenticateUser(cookieStore);
    return { principal, actor: userActor(principal), request: requestMeta(headerStore, env().TRUSTED_PROXY_HOPS) };
  } catch (error) {
    if (error instanceof AppError && error.status === 401) redirect(`/sign-in?callbackUrl=${encodeURIComponent(callbackUrl)}`);
    throw error;
  }
}

/**
 * The signed-in user, or null, for pages that render for both (sign-in,
 * invitations). A stale cookie of a deleted or disabled account counts as
 * signed out.
 */
export async function optionalPageUser(): Promise<UserPrincipal | null> {
  try {
    return await authenticateUser(await cookies());
  } catch (error) {
    if (error instanceof AppError && error.status === 401) return null;
    throw error;
  }
}

/** The console path being rendered (set by proxy.ts), if it is within this org; else the org's home. */
async function consolePath(orgSlug: string): Promise<string> {
  const path = (await headers()).get("x-gatehouse-path") ?? "";
  const home = `/${orgSlug}`;
  return path === home || path.startsWith(`${home}/`) || path.startsWith(`${home}?`) ? path : home;
}

/** Authorise once per request: a layout and its page share the result. */
export const orgPage = cache(async (orgSlug: string, permission: Permission = "org.read"): Promise<OrgContext> => {
  const user = await pageUser(`/${orgSlug}`);
  const org = await db.org.findFirst({ where: { slug: orgSlug, deletedAt: null }, select: { id: true } });
  if (!org) notFound();
  try {
    return await authorizeOrg(user, org.id, permission);
  } catch (error) {
    // The org's session policies: verify (or enrol) MFA and come back; SSO only → a page with the way in.
    if (error instanceof AppError && error.code === "mfa_required") redirect(`/mfa?next=${encodeURIComponent(await consolePath(orgSlug))}`);
    if (error instanceof AppError && error.code === "sso_required") redirect(`/sso-required?org=${encodeURIComponent(orgSlug)}`);
    if (error instanceof AppError && (error.status === 404 || error.status === 403)) notFound();
    throw error;
  }
});
