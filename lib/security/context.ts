import type { Actor } from "@/lib/audit/actions";
import type { Permission, Role } from "./permissions";
import type { RequestMeta } from "./request-meta";
import type { AuthMethod, SsoClaim } from "./session";

declare const orgIdBrand: unique symbol;
/** An org id that the pipeline has authorised for the current principal. */
export type OrgId = string & { readonly [orgIdBrand]: true };

/** What the pipeline trusts of the session the request came with (lib/security/session.ts). */
export interface SessionState {
  /** Epoch seconds the session began. */
  issuedAt: number | null;
  amr: AuthMethod;
  /** The org and connection of an SSO session; null for a password session. */
  sso: SsoClaim | null;
  /** Epoch seconds of this session's last MFA check; null when none, or when the user has no MFA enabled (any more). */
  mfaAt: number | null;
}

export interface UserPrincipal {
  kind: "user";
  userId: string;
  email: string;
  name: string | null;
  session: SessionState;
}

/** An API key calling the management API: it acts on its own project only. */
export interface ApiKeyPrincipal {
  kind: "api_key";
  keyId: string;
  orgId: string;
  projectId: string;
  /** The visible prefix of the key, for audit labels. */
  prefix: string;
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

/**
 * An API key authorised for its org through a management route. It has no
 * role: its permissions come from its scopes, and `projectId` confines it to
 * its own project (the door answers 404 for any other).
 */
export interface KeyOrgContext {
  principal: ApiKeyPrincipal;
  actor: Actor;
  request: RequestMeta;
  orgId: OrgId;
  orgSlug: string;
  role: null;
  permissions: ReadonlySet<Permission>;
  projectId: string;
}

/** Who may call a management route that admits API keys. */
export type ManagementContext = OrgContext | KeyOrgContext;

export function keyActor(principal: ApiKeyPrincipal): Actor {
  return { type: "API_KEY", id: principal.keyId, label: principal.prefix };
}

export function userActor(principal: Principal): Actor {
  return { type: "USER", id: principal.userId, label: principal.email };
}
