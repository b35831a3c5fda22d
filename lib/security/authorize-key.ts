import "server-only";
import { verifyApiKey } from "@/lib/api-keys/verify";
import { keyActor, type ApiKeyPrincipal, type KeyOrgContext, type OrgId } from "./context";
import { AppError } from "./errors";
import { scopePermissions, type Permission } from "./permissions";
import type { RequestMeta } from "./request-meta";

export interface KeyRequest {
  token: string;
  origin: string | null;
  orgId: string;
  /** The route's project, when it has one: a key reaches its own project only. */
  projectId: string | undefined;
  permission: Permission;
}

/**
 * Authorise an API key for a management route. A key of another org, or of
 * another project of this org, gets the same 404 as a missing resource; a key
 * of this project without the scope for the permission gets 403.
 */
export async function authorizeKey(request: KeyRequest, meta: RequestMeta): Promise<KeyOrgContext> {
  const record = await verifyApiKey({ token: request.token, ip: meta.ip, origin: request.origin, scope: null });
  if (record.orgId !== request.orgId) throw new AppError("not_found");
  if (request.projectId !== undefined && request.projectId !== record.projectId) throw new AppError("not_found");
  const permissions = scopePermissions([...record.scopes]);
  if (!permissions.has(request.permission)) throw new AppError("insufficient_scope");
  const principal: ApiKeyPrincipal = { kind: "api_key", keyId: record.keyId, orgId: record.orgId, projectId: record.projectId, prefix: record.prefix };
  return {
    principal,
    actor: keyActor(principal),
    request: meta,
    orgId: record.orgId as OrgId,
    orgSlug: record.orgSlug,
    role: null,
    permissions,
    projectId: record.projectId,
  };
}
