import "server-only";
import { timingSafeEqual, createHash } from "node:crypto";
import type { NextRequest } from "next/server";
import type { z } from "zod";
import { env } from "@/lib/env";
import { SYSTEM_ACTOR, type Actor } from "@/lib/audit/actions";
import { AppError } from "./errors";
import { parseWith, queryObject } from "./input";
import { requestMeta, type RequestMeta } from "./request-meta";
import { errorResponse, jsonResponse, finishResponse } from "./respond";

export interface CronContext<Q = Record<string, never>> {
  actor: Actor;
  request: RequestMeta;
  query: Q;
}

export interface CronOptions<Q extends z.ZodType> {
  /** Query schema (422 with field issues), checked after the secret. */
  query?: Q;
  /** The secret to expect instead of CRON_SECRET (for a job that has its own). */
  secret?: () => string;
}

/** Constant-time comparison of two secrets of any length (hash both first). */
export function secretsMatch(given: string, expected: string): boolean {
  const a = createHash("sha256").update(given).digest();
  const b = createHash("sha256").update(expected).digest();
  return timingSafeEqual(a, b);
}

/**
 * The door for scheduled jobs: `Authorization: Bearer $CRON_SECRET` (or the
 * job's own secret, `options.secret`), checked on every deployment (not only on
 * Vercel), in constant time, before anything else.
 */
export function withCron<Q extends z.ZodType = z.ZodType<Record<string, never>>>(
  job: string,
  handler: (ctx: CronContext<z.output<Q>>, req: NextRequest) => Promise<unknown>,
  options: CronOptions<Q> = {},
) {
  return async (req: NextRequest): Promise<Response> => {
    const meta = requestMeta(req.headers, env().TRUSTED_PROXY_HOPS);
    try {
      const header = req.headers.get("authorization") ?? "";
      const token = header.startsWith("Bearer ") ? header.slice(7) : "";
      const expected = options.secret ? options.secret() : env().CRON_SECRET;
      if (!token || !secretsMatch(token, expected)) throw new AppError("unauthenticated", "Invalid cron secret.");
      const query = (options.query ? parseWith(options.query, queryObject(req.nextUrl)) : {}) as z.output<Q>;
      const result = await handler({ actor: SYSTEM_ACTOR(`cron:${job}`), request: meta, query }, req);
      return result instanceof Response ? finishResponse(result, meta.requestId) : jsonResponse(result, meta.requestId);
    } catch (error) {
      return errorResponse(error, meta.requestId);
    }
  };
}
