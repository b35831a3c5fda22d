import "server-only";
import SCIMMY from "scimmy";
import { env } from "@/lib/env";
import { log } from "@/lib/log";
import { AppError } from "@/lib/security/errors";
import type { ScimContext } from "./context";
import { isScimError, scimError, type ScimError } from "./errors";
import { parseFilter, type FilterNode } from "./filter";
import { createScimGroup, deleteScimGroup, getScimGroup, listScimGroups, replaceScimGroup, type ScimGroupInput } from "./groups";
import { normalisePatch } from "./patch";
import { SCIM_BASE_PATH } from "./schemas";
import { createScimUser, deleteScimUser, getScimUser, listScimUsers, replaceScimUser, type Page, type ScimUserInput } from "./users";

/**
 * SCIM 2.0 (RFC 7643, 7644) for one org, served with scimmy: its schemas
 * validate and shape every resource in and out, its PatchOp applies PATCH
 * bodies (after lib/scim/patch.ts normalised them), and its discovery
 * resources describe what we serve. Our ingress/egress/degress handlers do
 * the rest against the database, the org passed through scimmy's `ctx`.
 *
 * Lists do not go through scimmy: filters run in SQL (lib/scim/filter.ts)
 * and paging is a database OFFSET/LIMIT, with `totalResults` from a count.
 *
 * scimmy is a process-wide singleton: its resources are declared once, with
 * explicit names (a production bundle renames classes, and scimmy would take
 * the class name).
 */
export { SCIM_BASE_PATH };
export const SCIM_CONTENT_TYPE = "application/scim+json";
const LIST_SCHEMA = "urn:ietf:params:scim:api:messages:2.0:ListResponse";
export const DEFAULT_COUNT = 100;
export const MAX_COUNT = 200;

const { Resources, Schemas, Config } = SCIMMY;

/** Where resources say they live: the configured public URL when there is one, else a path. */
function basePath(): string {
  const configured = env().NEXTAUTH_URL;
  return configured ? `${new URL(configured).origin}${SCIM_BASE_PATH}` : SCIM_BASE_PATH;
}

/** What a handler hands scimmy must be a scimmy error; anything else would become a 404. */
function asScimError(error: unknown, ctx: ScimContext): ScimError {
  if (isScimError(error)) return error;
  if (error instanceof AppError && error.status < 500) return scimError(error.status === 422 ? 400 : error.status, error.status === 422 ? "invalidValue" : null, error.message);
  log.error("unhandled SCIM error", { requestId: ctx.request.requestId, error });
  return scimError(500, null, "Something went wrong on our side.");
}

function guarded<A extends unknown[], R>(fn: (...args: A) => Promise<R>, ctxOf: (...args: A) => ScimContext) {
  return async (...args: A): Promise<R> => {
    try {
      return await fn(...args);
    } catch (error) {
      throw asScimError(error, ctxOf(...args));
    }
  };
}

type ScimResource = { id?: string };

const globalForScim = globalThis as unknown as { gatehouseScimDeclared?: boolean };
let handlersAttached = false;

/**
 * Declare the resources once per process and attach this module's handlers
 * and base paths, on the first request (not at import: a build imports the
 * route without any configuration).
 */
function setUp(): void {
  if (handlersAttached) return;
  if (!globalForScim.gatehouseScimDeclared) {
    Config.set({
      documentationUri: undefined,
      patch: true,
      filter: MAX_COUNT,
      bulk: false,
      sort: false,
      etag: false,
      changePassword: false,
      authenticationSchemes: [
        {
          type: "oauthbearertoken",
          name: "Bearer token",
          description: "The org's SCIM token (ghscim_…), created in the console under Settings → SCIM, sent as Authorization: Bearer.",
        },
      ],
    });
    Resources.declare(Resources.User, "User");
    Resources.User.extend(Schemas.EnterpriseUser, false);
    Resources.declare(Resources.Group, "Group");
    globalForScim.gatehouseScimDeclared = true;
  }
  const base = basePath();
  Resources.Schema.basepath(base);
  Resources.ResourceType.basepath(base);
  Resources.ServiceProviderConfig.basepath(base);

  (Resources.User.basepath(base) as typeof Resources.User)
    .egress(
      guarded(
        async (resource: ScimResource, ctx: ScimContext) => {
          if (!resource.id) throw scimError(500, null, "Lists are served without scimmy.");
          return getScimUser(ctx, resource.id) as never;
        },
        (_r, ctx) => ctx,
      ),
    )
    .ingress(
      guarded(
        async (resource: ScimResource, instance: unknown, ctx: ScimContext) =>
          (resource.id ? replaceScimUser(ctx, resource.id, instance as ScimUserInput) : createScimUser(ctx, instance as ScimUserInput)) as never,
        (_r, _i, ctx) => ctx,
      ),
    )
    .degress(
      guarded(
        async (resource: ScimResource, ctx: ScimContext) => deleteScimUser(ctx, resource.id ?? ""),
        (_r, ctx) => ctx,
      ),
    );

  (Resources.Group.basepath(base) as typeof Resources.Group)
    .egress(
      guarded(
        async (resource: ScimResource, ctx: ScimContext) => {
          if (!resource.id) throw scimError(500, null, "Lists are served without scimmy.");
          return getScimGroup(ctx, resource.id) as never;
        },
        (_r, ctx) => ctx,
      ),
    )
    .ingress(
      guarded(
        async (resource: ScimResource, instance: unknown, ctx: ScimContext) =>
          (resource.id ? replaceScimGroup(ctx, resource.id, instance as ScimGroupInput) : createScimGroup(ctx, instance as ScimGroupInput)) as never,
        (_r, _i, ctx) => ctx,
      ),
    )
    .degress(
      guarded(
        async (resource: ScimResource, ctx: ScimContext) => deleteScimGroup(ctx, resource.id ?? ""),
        (_r, ctx) => ctx,
      ),
    );
  handlersAttached = true;
}

export interface ScimRequest {
  method: string;
  /** The path below /scim/v2, split: ["Users", "<id>"]. */
  segments: string[];
  query: URLSearchParams;
  /** The parsed JSON body, for POST, PUT and PATCH. */
  readBody: () => Promise<unknown>;
}

export interface ScimResult {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
}

const json = (value: unknown) => JSON.parse(JSON.stringify(value)) as unknown;

function notFound(): ScimError {
  return scimError(404, null, "No such SCIM endpoint.");
}

function methodNotAllowed(allowed: string): ScimError & { allow?: string } {
  const error = scimError(405, null, `Method not allowed here. Allowed: ${allowed}.`) as ScimError & { allow?: string };
  error.allow = allowed;
  return error;
}

/** startIndex (1-based, default 1) and count (default 100, at most 200, negative read as 0), as numbers. */
export function paging(query: URLSearchParams): { startIndex: number; count: number } {
  const integer = (name: string): number | null => {
    const raw = query.get(name);
    if (raw === null || raw.trim() === "") return null;
    if (!/^-?\d+$/.test(raw.trim())) throw scimError(400, "invalidValue", `${name} must be an integer.`);
    return Number(raw.trim());
  };
  const startIndex = Math.max(1, Math.min(integer("startIndex") ?? 1, 2 ** 31 - 1));
  const count = Math.max(0, Math.min(integer("count") ?? DEFAULT_COUNT, MAX_COUNT));
  return { startIndex, count };
}

function filterOf(query: URLSearchParams): FilterNode | null {
  const raw = query.get("filter");
  return raw === null || raw.trim() === "" ? null : parseFilter(raw);
}

/** `attributes` / `excludedAttributes` as scimmy reads them, to shape each resource on the way out. */
function projection(query: URLSearchParams): { attributes?: string; excludedAttributes?: string } {
  const out: { attributes?: string; excludedAttributes?: string } = {};
  for (const name of ["attributes", "excludedAttributes"] as const) {
    const value = query.get(name);
    if (value !== null && value.trim() !== "") out[name] = value;
  }
  return out;
}

function excludes(query: URLSearchParams, attribute: string): boolean {
  const excluded = (query.get("excludedAttributes") ?? "").split(",").map((a) => a.trim().toLowerCase());
  const included = query.get("attributes");
  return excluded.includes(attribute) || (included !== null && included.trim() !== "" && !included.split(",").some((a) => a.trim().toLowerCase().startsWith(attribute)));
}

function listResponse<T>(page: Page<T>, startIndex: number, shape: (row: T) => unknown) {
  return { schemas: [LIST_SCHEMA], totalResults: page.total, startIndex, itemsPerPage: page.rows.length, Resources: page.rows.map(shape) };
}

type ResourceClass = typeof Resources.User | typeof Resources.Group;

async function resourceRequest(ctx: ScimContext, kind: "Users" | "Groups", request: ScimRequest): Promise<ScimResult> {
  const [, id, extra] = request.segments;
  if (extra !== undefined) throw notFound();
  const Resource: ResourceClass = kind === "Users" ? Resources.User : Resources.Group;
  const SchemaClass = kind === "Users" ? Schemas.User : Schemas.Group;
  const shapeOptions = projection(request.query);
  const basepath = `${basePath()}/${kind}`;

  if (id === undefined) {
    if (request.method === "GET") {
      const { startIndex, count } = paging(request.query);
      const filter = filterOf(request.query);
      const attributes = new Resource(undefined, shapeOptions).attributes;
      const page =
        kind === "Users"
          ? await listScimUsers(ctx, filter, startIndex, count)
          : await listScimGroups(ctx, filter, startIndex, count, !excludes(request.query, "members"));
      return { status: 200, body: listResponse(page as Page<object>, startIndex, (row) => json(new SchemaClass(row, "out", basepath, attributes))) };
    }
    if (request.method === "POST") {
      const created = json(await new Resource(undefined, shapeOptions).write(await request.readBody(), ctx)) as { meta?: { location?: string } };
      return { status: 201, body: created, headers: created.meta?.location ? { Location: created.meta.location } : {} };
    }
    throw methodNotAllowed("GET, POST");
  }

  const resource = new Resource(id, shapeOptions);
  switch (request.method) {
    case "GET":
      return { status: 200, body: json(await resource.read(ctx)) };
    case "PUT":
      return { status: 200, body: json(await resource.write(await request.readBody(), ctx)) };
    case "PATCH": {
      // Patched against the whole resource, whatever `attributes` asks to see of the answer.
      const patched = await new Resource(id).patch(normalisePatch(await request.readBody()) as never, ctx);
      // A PATCH that changed nothing: answer with the resource as it is.
      return { status: 200, body: json(patched ?? (await new Resource(id, shapeOptions).read(ctx))) };
    }
    case "DELETE":
      await resource.dispose(ctx);
      return { status: 204 };
    default:
      throw methodNotAllowed("GET, PUT, PATCH, DELETE");
  }
}

async function discovery(kind: "ServiceProviderConfig" | "Schemas" | "ResourceTypes", request: ScimRequest): Promise<ScimResult> {
  if (request.method !== "GET") throw methodNotAllowed("GET");
  const [, id, extra] = request.segments;
  if (extra !== undefined || (kind === "ServiceProviderConfig" && id !== undefined)) throw notFound();
  if (kind === "ServiceProviderConfig") return { status: 200, body: json(await new Resources.ServiceProviderConfig().read()) };
  const Resource = kind === "Schemas" ? Resources.Schema : Resources.ResourceType;
  return { status: 200, body: json(await (id === undefined ? new Resource() : new Resource(id)).read()) };
}

const ENDPOINTS = { users: "Users", groups: "Groups", serviceproviderconfig: "ServiceProviderConfig", schemas: "Schemas", resourcetypes: "ResourceTypes" } as const;

/**
 * One SCIM request of the org the token selected. Errors come out as thrown
 * SCIM errors (status, scimType, detail) for the door to answer.
 */
export async function handleScim(ctx: ScimContext, request: ScimRequest): Promise<ScimResult> {
  try {
    setUp();
    const first = request.segments[0]?.toLowerCase() ?? "";
    const endpoint = Object.hasOwn(ENDPOINTS, first) ? ENDPOINTS[first as keyof typeof ENDPOINTS] : null;
    if (endpoint === "Users" || endpoint === "Groups") return await resourceRequest(ctx, endpoint, request);
    if (endpoint) return await discovery(endpoint, request);
    if (["bulk", ".search", "me"].includes(first)) throw scimError(501, null, `/${request.segments[0]} is not supported.`);
    throw notFound();
  } catch (error) {
    throw asScimError(error, ctx);
  }
}
