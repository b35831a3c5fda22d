import "server-only";
import { db } from "@/lib/db/client";
import { canonicalDomain, emailAddress, emailDomain } from "@/lib/orgs/email-domains";
import type { SsoLookup } from "./schemas";
import { ssoStartPath } from "./urls";

/**
 * Email-first sign-in: does this email's domain sign in through an org's IdP?
 * Yes when the domain is VERIFIED by a live org that has an enabled SSO
 * connection; the answer is the page that starts SSO with that org. The
 * answer depends on the domain only, never on whether an account exists.
 */
export async function ssoForEmail(raw: string): Promise<SsoLookup> {
  const parsed = emailAddress.safeParse(raw);
  if (!parsed.success) return { mode: "password" };
  const domain = canonicalDomain(emailDomain(parsed.data));
  if (!domain) return { mode: "password" };
  const claim = await db.orgDomain.findFirst({
    where: { verifiedDomain: domain, verifiedAt: { not: null }, org: { deletedAt: null, ssoConnections: { some: { enabled: true } } } },
    select: { org: { select: { slug: true } } },
  });
  return claim ? { mode: "sso", url: ssoStartPath(claim.org.slug) } : { mode: "password" };
}
