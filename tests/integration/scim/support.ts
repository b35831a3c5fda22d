import { GET, POST, PUT, PATCH, DELETE } from "@/app/scim/v2/[...path]/route";
import { db } from "@/lib/db/client";
import type { RouteHandler } from "@/lib/security/route";
import { issueScimToken } from "@/lib/scim/token-format";
import { callRoute } from "../../support/http";

/**
 * SCIM calls as an identity provider makes them: the org's bearer token, no
 * cookie, no browser Origin, bodies as application/scim+json.
 */
const HANDLERS: Record<string, RouteHandler> = { GET, POST, PUT, PATCH, DELETE };

export const SCIM_MEDIA_TYPE = "application/scim+json";
export const ERROR_SCHEMA = "urn:ietf:params:scim:api:messages:2.0:Error";
export const LIST_SCHEMA = "urn:ietf:params:scim:api:messages:2.0:ListResponse";
export const PATCH_SCHEMA = "urn:ietf:params:scim:api:messages:2.0:PatchOp";
export const USER_SCHEMA = "urn:ietf:params:scim:schemas:core:2.0:User";
export const GROUP_SCHEMA = "urn:ietf:params:scim:schemas:core:2.0:Group";

/** A live SCIM token of the org, straight in the database (no audit event): for tests of SCIM itself. */
export async function makeScimToken(orgId: string, options: { revokedAt?: Date | null } = {}) {
  const issued = issueScimToken();
  const row = await db.scimToken.create({
    data: { orgId, name: "Test IdP", prefix: issued.prefix, last4: issued.last4, hash: issued.hash, revokedAt: options.revokedAt ?? null },
  });
  return { id: row.id, secret: issued.secret, prefix: issued.prefix };
}

export interface ScimAnswer {
  status: number;
  headers: Headers;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  json: any;
  text: string;
}

/** A SCIM request: `path` is below /scim/v2 ("/Users?filter=…"); `token` null sends no Authorization header. */
export async function scim(token: string | null, method: string, path: string, body?: unknown): Promise<ScimAnswer> {
  const headers: Record<string, string> = {};
  if (token !== null) headers.authorization = `Bearer ${token}`;
  const res = await callRoute(HANDLERS[method]!, method, `/scim/v2${path}`, { headers, origin: null, body });
  return res as ScimAnswer;
}

/** A realistic user as Okta creates one. */
export function oktaUser(email: string, extra: Record<string, unknown> = {}) {
  const [local] = email.split("@");
  return {
    schemas: [USER_SCHEMA],
    userName: email,
    name: { givenName: local, familyName: "Tester" },
    emails: [{ primary: true, value: email, type: "work" }],
    displayName: `${local} Tester`,
    locale: "en-US",
    externalId: `00u${Math.random().toString(36).slice(2, 12)}`,
    groups: [],
    password: "1mP0ssible!-never-stored",
    active: true,
    ...extra,
  };
}

export const patchOp = (...Operations: unknown[]) => ({ schemas: [PATCH_SCHEMA], Operations });

export const unique = () => Math.random().toString(36).slice(2, 10);
