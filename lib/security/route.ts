import "server-only";
import type { NextRequest } from "next/server";
import { z } from "zod";
import { env } from "@/lib/env";
import { checkRateLimit, rateLimitHeaders, type PolicyName } from "@/lib/ratelimit";
import { authenticateUser } from "./authenticate";
import { bearerToken } from "@/lib/api-keys/verify";
import { authorizeOrg } from "./authorize";
import { authorizeKey } from "./authorize-key";
import { userActor, type ManagementContext, type OrgContext, type UserContext } from "./context";
import { verifySameOrigin } from "./csrf";
import { AppError } from "./errors";
import { parseWith, queryObject, readJsonBody } from "./input";
import type { Permission } from "./permissions";
import { requestMeta, type RequestMeta } from "./request-meta";
import { errorResponse, jsonResponse, finishResponse } from "./respond";

/** Next 16 hands route params as a promise. */
export interface RouteContext {
  params: Promise<Record<string, string | string[] | undefined>>;
}
export type RouteHandler = (req: NextRequest, ctx: RouteContext) => Promise<Response>;

export interface Input<B, Q, P> {
  body: B;
  query: Q;
  params: P;
  req: NextRequest;
}

interface Options<B extends z.ZodType, Q extends z.ZodType, P extends z.ZodType, R extends z.ZodType> {
  body?: B;
  query?: Q;
  /** Route params besides `orgId` (which the org door checks itself). */
  params?: P;
  /** Every JSON response is parsed through this schema: what is not in it is not sent. */
  response?: R;
  status?: number;
  /** Named rate-limit policy keyed by the principal; `false` for none. */
  rateLimit?: PolicyName | false;
}

type Result<R extends z.ZodType> = z.input<R> | Response;
type Parsed<S extends z.ZodType | undefined> = S extends z.ZodType ? z.output<S> : undefined;

async function parseInput<B extends z.ZodType, Q extends z.ZodType, P extends z.ZodType>(
  req: NextRequest,
  rawParams: Record<string, unknown>,
  options: Options<B, Q, P, z.ZodType>,
): Promise<Input<Parsed<B>, Parsed<Q>, Parsed<P>>> {
  const params = options.params ? parseWith(options.params, rawParams) : undefined;
  const query = options.query ? parseWith(options.query, queryObject(req.nextUrl)) : undefined;
  const body = options.body ? parseWith(options.body, await readJsonBody(req)) : undefined;
  return { body, query, params, req } as Input<Parsed<B>, Parsed<Q>, Parsed<P>>;
}

function respond<R extends z.ZodType>(result: Result<R>, meta: RequestMeta, options: Options<z.ZodType, z.ZodType, z.ZodType, R>) {
  if (result instanceof Response) return finishResponse(result, meta.requestId);
  if (options.status === 204) return finishResponse(new Response(null, { status: 204 }), meta.requestId);
  const body = options.response ? options.response.parse(result) : result;
  return jsonResponse(body, meta.requestId, { status: options.status ?? 200 });
}

async function limit(policy: PolicyName | false | undefined, identifier: string): Promise<Record<string, string>> {
  if (policy === false) return {};
  const result = await checkRateLimit(policy ?? "management", identifier);
  const headers = rateLimitHeaders(result);
  if (!result.success) throw new AppError("rate_limited", undefined, { headers });
  return headers;
}

async function authenticate(req: NextRequest, meta: RequestMeta): Promise<UserContext> {
  const principal = await authenticateUser(req.cookies);
  if (req.method !== "GET" && req.method !== "HEAD") verifySameOrigin(req.headers);
  return { principal, actor: userActor(principal), request: meta };
}

type Doorway<C> = (req: NextRequest, meta: RequestMeta, raw: Record<string, unknown>) => Promise<{ ctx: C; limitKey: string }>;

/**
 * The path every door shares: establish who calls (each door its own way) →
 * rate limit → parse input → handler → response parsed through its schema,
 * with the rate-limit headers on success and failure alike.
 */
function door<C, B extends z.ZodType, Q extends z.ZodType, P extends z.ZodType, R extends z.ZodType>(
  options: Options<B, Q, P, R>,
  establish: Doorway<C>,
  handler: (ctx: C, input: Input<Parsed<B>, Parsed<Q>, Parsed<P>>) => Promise<Result<R>>,
): RouteHandler {
  return async (req, routeCtx) => {
    const meta = requestMeta(req.headers, env().TRUSTED_PROXY_HOPS);
    let limitHeaders: Record<string, string> = {};
    try {
      const raw = await routeCtx.params;
      const { ctx, limitKey } = await establish(req, meta, raw);
      limitHeaders = await limit(options.rateLimit, limitKey);
      const input = await parseInput(req, raw, options);
      const response = respond(await handler(ctx, input), meta, options);
      for (const [name, value] of Object.entries(limitHeaders)) response.headers.set(name, value);
      return response;
    } catch (error) {
      return errorResponse(error, meta.requestId, limitHeaders);
    }
  };
}

/**
 * The door for route handlers under /api/v1/orgs/{orgId}/…: authenticate →
 * authorise (membership loaded fresh, permission from the map), then the shared path.
 */
export function withOrg<B extends z.ZodType, Q extends z.ZodType, P extends z.ZodType, R extends z.ZodType>(
  options: Options<B, Q, P, R> & { permission: Permission },
  handler: (ctx: OrgContext, input: Input<Parsed<B>, Parsed<Q>, Parsed<P>>) => Promise<Result<R>>,
): RouteHandler {
  return door(options, (req, meta, raw) => memberOf(req, meta, raw, options.permission), handler);
}

/** A signed-in member of the route's org holding the permission. */
async function memberOf(req: NextRequest, meta: RequestMeta, raw: Record<string, unknown>, permission: Permission) {
  const user = await authenticate(req, meta);
  const ctx = await authorizeOrg(user, String(raw.orgId ?? ""), permission);
  return { ctx, limitKey: `user:${user.principal.userId}` };
}

/**
 * The door for management routes that automation may call with an API key
 * (`Authorization: Bearer ghk1_…`, management scopes, its own project only) as
 * well as with a browser session. Same permission map, same path after.
 */
export function withOrgOrKey<B extends z.ZodType, Q extends z.ZodType, P extends z.ZodType, R extends z.ZodType>(
  options: Options<B, Q, P, R> & { permission: Permission },
  handler: (ctx: ManagementContext, input: Input<Parsed<B>, Parsed<Q>, Parsed<P>>) => Promise<Result<R>>,
): RouteHandler {
  return door(
    options,
    async (req, meta, raw) => {
      const token = bearerToken(req.headers);
      if (token === null) return memberOf(req, meta, raw, options.permission);
      const projectId = typeof raw.projectId === "string" ? raw.projectId : undefined;
      const request = { token, origin: req.headers.get("origin"), orgId: String(raw.orgId ?? ""), projectId, permission: options.permission };
      const ctx = await authorizeKey(request, meta);
      return { ctx, limitKey: `key:${ctx.principal.keyId}` };
    },
    handler,
  );
}

/** The door for signed-in routes that are not about one org (list my orgs, accept an invitation). */
export function withUser<B extends z.ZodType, Q extends z.ZodType, P extends z.ZodType, R extends z.ZodType>(
  options: Options<B, Q, P, R>,
  handler: (ctx: UserContext, input: Input<Parsed<B>, Parsed<Q>, Parsed<P>>) => Promise<Result<R>>,
): RouteHandler {
  return door(
    options,
    async (req, meta) => {
      const ctx = await authenticate(req, meta);
      return { ctx, limitKey: `user:${ctx.principal.userId}` };
    },
    handler,
  );
}

/** The door for routes anyone may call (health): same input parsing and error model; limited per IP only if asked. */
export function withPublic<B extends z.ZodType, Q extends z.ZodType, P extends z.ZodType, R extends z.ZodType>(
  options: Options<B, Q, P, R>,
  handler: (meta: RequestMeta, input: Input<Parsed<B>, Parsed<Q>, Parsed<P>>) => Promise<Result<R>>,
): RouteHandler {
  return door({ ...options, rateLimit: options.rateLimit ?? false }, async (_req, meta) => ({ ctx: meta, limitKey: `ip:${meta.ip ?? "unknown"}` }), handler);
}
