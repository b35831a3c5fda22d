import { z } from "zod";
import { bindRequest, browserBindingPossible, SAML_BROWSER_COOKIE, SAML_REQUEST_TTL_MS, startSamlSignIn } from "@/lib/sso/saml";
import { samlErrorPage } from "@/lib/sso/saml-page";
import { authOrigin, samlSpUrls } from "@/lib/sso/urls";
import { withPublic } from "@/lib/security/route";

export const dynamic = "force-dynamic";

/**
 * SP-initiated SAML sign-in: records the AuthnRequest and sends the browser to
 * the IdP (HTTP-Redirect binding). `callbackUrl` (a same-origin path) rides
 * as RelayState and is checked again at the ACS. The request id joins this
 * browser's binding cookie, which only the connection's ACS receives.
 */
export const GET = withPublic(
  { params: z.object({ connectionId: z.string().max(64) }), query: z.object({ callbackUrl: z.string().max(2000).optional() }), rateLimit: "samlIp" },
  async (meta, { params, query, req }) => {
    const start = await startSamlSignIn(params.connectionId, query.callbackUrl ?? null);
    if (start.status !== "redirect") return samlErrorPage({ reason: "connection_unavailable", status: 404, orgSlug: start.orgSlug, requestId: meta.requestId });
    const headers = new Headers({ Location: start.url, "Cache-Control": "no-store" });
    if (browserBindingPossible(authOrigin())) {
      const value = bindRequest(req.cookies.get(SAML_BROWSER_COOKIE)?.value, start.requestId);
      const path = new URL(samlSpUrls(params.connectionId).acsUrl).pathname;
      headers.append("Set-Cookie", `${SAML_BROWSER_COOKIE}=${value}; Path=${path}; Max-Age=${SAML_REQUEST_TTL_MS / 1000}; HttpOnly; Secure; SameSite=None`);
    }
    return new Response(null, { status: 302, headers });
  },
);
