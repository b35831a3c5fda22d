/**
 * Permissions as data: the single source for authorisation checks, the
 * permission matrix in docs/permissions.md and the generated isolation tests.
 */
export const ROLES = ["OWNER", "ADMIN", "DEVELOPER", "VIEWER"] as const;
export type Role = (typeof ROLES)[number];

/** Higher number, more power. Used to decide who may manage whom. */
export const ROLE_RANK = { OWNER: 4, ADMIN: 3, DEVELOPER: 2, VIEWER: 1 } as const satisfies Record<Role, number>;

export const PERMISSIONS = [
  "org.read",
  "org.update",
  "org.delete",
  "projects.read",
  "projects.write",
  "members.read",
  "members.invite",
  "members.manage",
  "owners.manage",
  "api_keys.read",
  "api_keys.create",
  "api_keys.manage",
  "provider_keys.read",
  "provider_keys.manage",
  "vault.rewrap",
  "settings.read",
  "settings.manage",
  "audit.read",
  "audit.export",
  "sso.manage",
  "scim.manage",
] as const;
export type Permission = (typeof PERMISSIONS)[number];

export const PERMISSION_DESCRIPTIONS = {
  "org.read": "See the organisation, its name and slug",
  "org.update": "Rename the organisation",
  "org.delete": "Delete the organisation",
  "projects.read": "List and view projects",
  "projects.write": "Create, rename and delete projects",
  "members.read": "List members and pending invitations",
  "members.invite": "Invite members (at most their own role, never OWNER unless owners.manage)",
  "members.manage": "Change roles of and remove members below OWNER",
  "owners.manage": "Invite, promote, demote and remove owners",
  "api_keys.read": "List project API keys (never their secrets)",
  "api_keys.create": "Create project API keys",
  "api_keys.manage": "Revoke, rotate and restrict any project API key",
  "provider_keys.read": "List vaulted provider keys (fingerprints only)",
  "provider_keys.manage": "Add, replace and revoke vaulted provider keys",
  "vault.rewrap": "Re-wrap the org's vaulted keys under the active master key",
  "settings.read": "Read security and data-handling settings",
  "settings.manage": "Change security and data-handling settings",
  "audit.read": "Read the audit log",
  "audit.export": "Export the audit log",
  "sso.manage": "Claim and verify email domains; configure SSO connections (OIDC, SAML)",
  "scim.manage": "Create and revoke SCIM tokens; set the SCIM default role, deprovisioning key policy and group-to-role mapping",
} as const satisfies Record<Permission, string>;

const VIEWER = ["org.read", "projects.read", "members.read", "settings.read"] as const satisfies readonly Permission[];
const DEVELOPER = [...VIEWER, "projects.write", "api_keys.read", "api_keys.create"] as const satisfies readonly Permission[];
const ADMIN = [
  ...DEVELOPER,
  "org.update",
  "members.invite",
  "members.manage",
  "api_keys.manage",
  "provider_keys.read",
  "provider_keys.manage",
  "settings.manage",
  "audit.read",
  "audit.export",
  "sso.manage",
  "scim.manage",
] as const satisfies readonly Permission[];
const OWNER = [...ADMIN, "owners.manage", "org.delete", "vault.rewrap"] as const satisfies readonly Permission[];

export const ROLE_PERMISSIONS: Record<Role, ReadonlySet<Permission>> = {
  OWNER: new Set(OWNER),
  ADMIN: new Set(ADMIN),
  DEVELOPER: new Set(DEVELOPER),
  VIEWER: new Set(VIEWER),
};

export function can(role: Role, permission: Permission): boolean {
  return ROLE_PERMISSIONS[role].has(permission);
}

/** The roles that hold a permission, highest first. */
export function rolesWith(permission: Permission): Role[] {
  return ROLES.filter((role) => can(role, permission));
}

/**
 * Whether `actor` may assign `target` role to someone, or act on a member who
 * holds `target`. Owners are handled only with owners.manage; everyone else
 * needs members.manage and may not hand out a role above their own.
 */
export function canManageRole(actor: Role, target: Role): boolean {
  if (target === "OWNER") return can(actor, "owners.manage");
  return can(actor, "members.manage") && ROLE_RANK[target] <= ROLE_RANK[actor];
}

/**
 * What an API key's management scopes allow, on its own project only. The
 * SDK scopes (`chat`, `models`) grant no management permission. A key can only
 * be given scopes whose permissions its creator holds.
 */
export const SCOPE_PERMISSIONS = {
  chat: [],
  models: [],
  "management:read": ["org.read", "projects.read", "api_keys.read"],
  "management:write": ["org.read", "projects.read", "api_keys.read", "api_keys.create", "api_keys.manage"],
} as const satisfies Record<string, readonly Permission[]>;
export type KeyScope = keyof typeof SCOPE_PERMISSIONS;

export function scopePermissions(scopes: readonly string[]): Set<Permission> {
  const out = new Set<Permission>();
  for (const scope of scopes) {
    if (Object.hasOwn(SCOPE_PERMISSIONS, scope)) for (const p of SCOPE_PERMISSIONS[scope as KeyScope]) out.add(p);
  }
  return out;
}
