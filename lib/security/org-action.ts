import "server-only";
import { cookies, headers } from "next/headers";
import { z } from "zod";
import { env } from "@/lib/env";
import { log } from "@/lib/log";
import { checkRateLimit, type PolicyName } from "@/lib/ratelimit";
import { authenticateUser } from "./authenticate";
import { authorizeOrg } from "./authorize";
import { userActor, type OrgContext, type UserContext } from "./context";
import { AppError, toAppError, type ErrorCode } from "./errors";
import type { Permission } from "./permissions";
import { requestMeta, type RequestMeta } from "./request-meta";

/** What every server action returns: the shape `useActionState` renders. */
export type ActionResult<T = null> =
  | { ok: true; data: T; message?: string }
  | { ok: false; code: ErrorCode; message: string; fieldErrors?: Record<string, string>; requestId: string };

export type ActionInput = FormData | Record<string, unknown>;
export type Action<T> = (previous: ActionResult<T> | null, input: ActionInput) => Promise<ActionResult<T>>;

/** FormData → plain object; empty strings become undefined so optional fields stay optional. */
function toObject(input: ActionInput): Record<string, unknown> {
  if (!(input instanceof FormData)) return input;
  const out: Record<string, unknown> = {};
  for (const [key, value] of input.entries()) {
    if (key.startsWith("$ACTION")) continue;
    if (typeof value === "string" && value === "") continue;
    out[key] = typeof value === "string" ? value : undefined;
  }
  return out;
}

function failure(error: unknown, requestId: string): ActionResult<never> {
  const appError = toAppError(error);
  if (appError.code === "internal_error" && !(error instanceof AppError)) log.error("unhandled action error", { requestId, error });
  const fieldErrors = appError.issues?.length
    ? Object.fromEntries(appError.issues.map((issue) => [issue.path || "form", issue.message]))
    : undefined;
  return { ok: false, code: appError.code, message: appError.message, ...(fieldErrors ? { fieldErrors } : {}), requestId };
}

async function currentRequest(): Promise<{ meta: RequestMeta; cookieStore: Awaited<ReturnType<typeof cookies>> }> {
  const [headerStore, cookieStore] = await Promise.all([headers(), cookies()]);
  return { meta: requestMeta(headerStore, env().TRUSTED_PROXY_HOPS), cookieStore };
}

async function limit(policy: PolicyName, identifier: string) {
  const result = await checkRateLimit(policy, identifier);
  if (!result.success) throw new AppError("rate_limited");
}

function parse<S extends z.ZodType>(schema: S, raw: Record<string, unknown>): z.output<S> {
  const parsed = schema.safeParse(raw);
  if (!parsed.success) throw parsed.error;
  return parsed.data;
}

const withOrgId = z.object({ orgId: z.string() });

/**
 * Server actions about one org: the same authenticate → authorise → rate limit
 * → parse path as route handlers. The org id travels in the form and is
 * checked like any other input; Next itself refuses cross-origin action posts.
 */
export function orgAction<S extends z.ZodObject, T>(
  schema: S,
  options: { permission: Permission; rateLimit?: PolicyName },
  fn: (ctx: OrgContext, input: z.output<S>) => Promise<T>,
): Action<T> {
  return async (_previous, input) => {
    const { meta, cookieStore } = await currentRequest();
    try {
      const raw = toObject(input);
      const principal = await authenticateUser(cookieStore);
      const user: UserContext = { principal, actor: userActor(principal), request: meta };
      const ctx = await authorizeOrg(user, String(parse(withOrgId, raw).orgId), options.permission);
      await limit(options.rateLimit ?? "management", `user:${principal.userId}`);
      return { ok: true, data: await fn(ctx, parse(schema, raw)) };
    } catch (error) {
      return failure(error, meta.requestId);
    }
  };
}

/** Server actions for any signed-in user (create an org, accept an invitation). */
export function userAction<S extends z.ZodObject, T>(
  schema: S,
  options: { rateLimit?: PolicyName },
  fn: (ctx: UserContext, input: z.output<S>) => Promise<T>,
): Action<T> {
  return async (_previous, input) => {
    const { meta, cookieStore } = await currentRequest();
    try {
      const principal = await authenticateUser(cookieStore);
      await limit(options.rateLimit ?? "management", `user:${principal.userId}`);
      return { ok: true, data: await fn({ principal, actor: userActor(principal), request: meta }, parse(schema, toObject(input))) };
    } catch (error) {
      return failure(error, meta.requestId);
    }
  };
}

/** Server actions anyone may call (sign-up): rate-limited per client IP. */
export function publicAction<S extends z.ZodObject, T>(
  schema: S,
  options: { rateLimit: PolicyName },
  fn: (meta: RequestMeta, input: z.output<S>) => Promise<T>,
): Action<T> {
  return async (_previous, input) => {
    const { meta } = await currentRequest();
    try {
      await limit(options.rateLimit, `ip:${meta.ip ?? "unknown"}`);
      return { ok: true, data: await fn(meta, parse(schema, toObject(input))) };
    } catch (error) {
      return failure(error, meta.requestId);
    }
  };
}
