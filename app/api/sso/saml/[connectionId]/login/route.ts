import { z } from "zod";
import { startSamlSignIn } from "@/lib/sso/saml";
import { samlErrorPage } from "@/lib/sso/saml-page";
import { withPublic } from "@/lib/security/route";

export const dynamic = "force-dynamic";

/**
 * SP-initiated SAML sign-in: records the AuthnRequest and sends the browser to
 * the IdP (HTTP-Redirect binding). `callbackUrl` (a same-origin path) rides
 * as RelayState and is checked again at the ACS.
 */
export const GET = withPublic(
  { params: z.object({ connectionId: z.string().max(64) }), query: z.object({ callbackUrl: z.string().max(2000).optional() }), rateLimit: "samlIp" },
  async (meta, { params, query }) => {
    const start = await startSamlSignIn(params.connectionId, query.callbackUrl ?? null);
    if (start.status !== "redirect") return samlErrorPage({ reason: "connection_unavailable", status: 404, orgSlug: start.orgSlug, requestId: meta.requestId });
    return new Response(null, { status: 302, headers: { Location: start.url, "Cache-Control": "no-store" } });
  },
);
