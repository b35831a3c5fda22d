import { NextResponse } from "next/server";
import { z } from "zod";
import { issueSessionCookie } from "@/lib/auth/session-cookie";
import { acceptSamlResponse, boundRequests, browserBindingPossible, MAX_SAML_RESPONSE_BYTES, SAML_BROWSER_COOKIE } from "@/lib/sso/saml";
import { samlErrorPage } from "@/lib/sso/saml-page";
import { authOrigin } from "@/lib/sso/urls";
import { withPublic } from "@/lib/security/route";

export const dynamic = "force-dynamic";

/** Form fields as strings; anything else (a file, a missing field) as null. */
function field(form: FormData | null, name: string): string | null {
  const value = form?.get(name);
  return typeof value === "string" ? value : null;
}

/**
 * The SAML assertion consumer service (HTTP-POST binding). The IdP's page
 * posts here from its own origin, so there is no same-origin check: the
 * signed assertion, its audience and recipient, and the one-time request it
 * answers (started by this browser: its binding cookie) are the proof. Success sets the next-auth session cookie (amr
 * "sso", this org and connection) and sends the browser on (303); a refusal
 * is audited and answered with an error page (4xx).
 */
export const POST = withPublic({ params: z.object({ connectionId: z.string().max(64) }), rateLimit: "samlIp" }, async (meta, { params, req }) => {
  const length = Number(req.headers.get("content-length") ?? 0);
  if (length > MAX_SAML_RESPONSE_BYTES * 2) return samlErrorPage({ reason: "malformed_response", status: 413, orgSlug: null, requestId: meta.requestId });
  const form = await req.formData().catch(() => null);
  const bound = browserBindingPossible(authOrigin()) ? boundRequests(req.cookies.get(SAML_BROWSER_COOKIE)?.value) : null;
  const outcome = await acceptSamlResponse(params.connectionId, { samlResponse: field(form, "SAMLResponse"), relayState: field(form, "RelayState") }, meta, bound);
  if (!outcome.ok) return samlErrorPage({ reason: outcome.reason, status: outcome.status, orgSlug: outcome.orgSlug, requestId: meta.requestId });

  const response = NextResponse.redirect(new URL(outcome.redirectTo, authOrigin()), 303);
  await issueSessionCookie(
    { userId: outcome.user.userId, email: outcome.user.email, name: outcome.user.name, amr: "sso", sso: { orgId: outcome.orgId, connectionId: outcome.connectionId } },
    response.cookies,
    req.cookies,
  );
  return response;
});
