import { z } from "zod";
import { samlMetadata } from "@/lib/sso/saml";
import { withPublic } from "@/lib/security/route";
import { AppError } from "@/lib/security/errors";

export const dynamic = "force-dynamic";

/** The SP metadata of a SAML connection, to upload at the IdP. Public: it holds the SP's URLs and nothing secret. */
export const GET = withPublic({ params: z.object({ connectionId: z.string().max(64) }), rateLimit: "samlIp" }, async (_meta, { params }) => {
  const xml = await samlMetadata(params.connectionId);
  if (!xml) throw new AppError("not_found");
  return new Response(xml, { status: 200, headers: { "Content-Type": "application/samlmetadata+xml; charset=utf-8", "Cache-Control": "public, max-age=300" } });
});
