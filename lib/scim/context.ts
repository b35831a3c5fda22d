import type { Actor } from "@/lib/audit/actions";
import type { OrgId } from "@/lib/security/context";
import type { RequestMeta } from "@/lib/security/request-meta";

/** An identity provider calling /scim/v2 with an org's SCIM token: the token selects the org. */
export interface ScimContext {
  orgId: OrgId;
  tokenId: string;
  /** `{ type: "SCIM", id: tokenId, label: token prefix }` on every audit event. */
  actor: Actor;
  request: RequestMeta;
}

export function scimActor(token: { id: string; prefix: string }): Actor {
  return { type: "SCIM", id: token.id, label: token.prefix };
}
