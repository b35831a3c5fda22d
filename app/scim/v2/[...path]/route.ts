import { handleScim } from "@/lib/scim/server";
import { withScim } from "@/lib/security/with-scim";

export const dynamic = "force-dynamic";

/**
 * SCIM 2.0 for identity providers (Okta, Entra ID): /scim/v2/Users,
 * /Groups, /ServiceProviderConfig, /Schemas, /ResourceTypes. The org's SCIM
 * token selects the org (lib/security/with-scim.ts); see
 * docs/ENTERPRISE_SECURITY.md, "SCIM provisioning".
 */
export const GET = withScim(handleScim);
export const POST = withScim(handleScim);
export const PUT = withScim(handleScim);
export const PATCH = withScim(handleScim);
export const DELETE = withScim(handleScim);
