/** Every audited action. Adding an action here is the only way to record it. */
export const AUDIT_ACTIONS = [
  "auth.sign_in.succeeded",
  "auth.sign_in.failed",
  "auth.sign_in.rate_limited",
  "auth.sign_up",
  "auth.sign_out",
  "auth.mfa.enrolled",
  "auth.mfa.verified",
  "auth.mfa.failed",
  "auth.mfa.recovery_code_used",
  "auth.mfa.recovery_codes_regenerated",
  "auth.mfa.disabled",
  "auth.mfa.reset",
  "auth.break_glass",
  "org.created",
  "org.updated",
  "org.deleted",
  "project.created",
  "project.renamed",
  "project.deleted",
  "member.invited",
  "member.invitation_revoked",
  "member.joined",
  "member.role_changed",
  "member.removed",
  "api_key.created",
  "api_key.updated",
  "api_key.rotated",
  "api_key.revoked",
  "provider_key.created",
  "provider_key.replaced",
  "provider_key.updated",
  "provider_key.revoked",
  "vault.rewrapped",
  "vault.kek_retired",
  "settings.updated",
  "project_settings.updated",
  "audit.exported",
  "retention.run",
  "user.disabled",
  "user.enabled",
  "domain.added",
  "domain.verified",
  "domain.removed",
  "sso.connection.created",
  "sso.connection.updated",
  "sso.connection.deleted",
  "auth.sso.succeeded",
  "auth.sso.failed",
  "scim.user.provisioned",
  "scim.user.updated",
  "scim.user.deprovisioned",
  "scim.user.reactivated",
  "scim.group.created",
  "scim.group.updated",
  "scim.group.deleted",
  "scim.token.created",
  "scim.token.revoked",
] as const;

export type AuditAction = (typeof AUDIT_ACTIONS)[number];

export const ACTOR_TYPES = ["USER", "API_KEY", "SYSTEM", "ANONYMOUS", "SCIM"] as const;
export type ActorType = (typeof ACTOR_TYPES)[number];

export interface Actor {
  type: ActorType;
  /** User id, API key id; null for system and anonymous actors. */
  id: string | null;
  /** Human-readable label: an email, a key prefix, a job name. Never a secret. */
  label: string | null;
}

export const SYSTEM_ACTOR = (label: string): Actor => ({ type: "SYSTEM", id: null, label });
