import type { Actor } from "@/lib/audit/actions";
import type { Permission, Role } from "./permissions";
import type { RequestMeta } from "./request-meta";

declare const orgIdBrand: unique symbol;
/** An org id that the pipeline has authorised for the current principal. */
export type OrgId = string & { readonly [orgIdBrand]: true };

export interface UserPrincipal {
  kind: "user";
  userId: string;
  email: string;
  name: string | null;
}

export type Principal = UserPrincipal;

/** What a handler or action learns about who is calling, once authenticated. */
export interface UserContext {
  principal: Principal;
  actor: Actor;
  request: RequestMeta;
}

/** ... and once authorised for one org. */
export interface OrgContext extends UserContext {
  orgId: OrgId;
  orgSlug: string;
  role: Role;
  /** The permissions this principal holds in this org. */
  permissions: ReadonlySet<Permission>;
}

export function userActor(principal: Principal): Actor {
  return { type: "USER", id: principal.userId, label: principal.email };
}
