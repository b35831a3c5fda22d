import "server-only";
import { timingSafeEqual, createHash } from "node:crypto";
import type { NextRequest } from "next/server";
import { env } from "@/lib/env";
import { SYSTEM_ACTOR, type Actor } from "@/lib/audit/actions";
import { AppError } from "./errors";
import { requestMeta, type RequestMeta } from "./request-meta";
import { errorResponse, jsonResponse, finishResponse } from "./respond";

export interface CronContext {
  actor: Actor;
  request: RequestMeta;
}

/** Constant-time comparison of two secrets of any length (hash both first). */
export function secretsMatch(given: string, expected: string): boolean {
  const a = createHash("sha256").update(given).digest();
  const b = createHash("sha256").update(expected).digest();
  return timingSafeEqual(a, b);
}

/**
 * The door for scheduled jobs: `Authorization: Bearer $CRON_SECRET`, checked on
 * every deployment (not only on Vercel), in constant time.
 */
export function withCron(job: string, handler: (ctx: CronContext, req: NextRequest) => Promise<unknown>) {
  return async (req: NextRequest): Promise<Response> => {
    const meta = requestMeta(req.headers, env().TRUSTED_PROXY_HOPS);
    try {
      const header = req.headers.get("authorization") ?? "";
      const token = header.startsWith("Bearer ") ? header.slice(7) : "";
      if (!token || !secretsMatch(token, env().CRON_SECRET)) throw new AppError("unauthenticated", "Invalid cron secret.");
      const result = await handler({ actor: SYSTEM_ACTOR(`cron:${job}`), request: meta }, req);
      return result instanceof Response ? finishResponse(result, meta.requestId) : jsonResponse(result, meta.requestId);
    } catch (error) {
      return errorResponse(error, meta.requestId);
    }
  };
}
