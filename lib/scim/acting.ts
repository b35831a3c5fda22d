import type { Actor } from "@/lib/audit/actions";
import type { OrgId } from "@/lib/security/context";
import type { RequestMeta } from "@/lib/security/request-meta";

/**
 * Who changes SCIM state, for its audit events: an identity provider through
 * its token (ScimContext) or an admin in the console (OrgContext). Both carry
 * these fields.
 */
export interface Acting {
  orgId: OrgId;
  actor: Actor;
  request: RequestMeta;
}
