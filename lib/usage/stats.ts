import "server-only";
import { db, Prisma } from "@/lib/db/client";
import type { OrgId } from "@/lib/security/context";

/**
 * Gateway usage of one project, read from `usage_records`. Days are UTC
 * calendar days; the range is the last `days` of them, today included (so
 * today is a partial day). The org id comes first and is always in the filter.
 */
export const MAX_USAGE_DAYS = 90;

export interface UsageDay {
  /** "2025-11-23" (UTC). */
  day: string;
  requests: number;
  /** Requests answered with an HTTP status of 400 or above. */
  errors: number;
  promptTokens: number;
  completionTokens: number;
}

export interface UsageSummary {
  requests: number;
  errors: number;
  /** errors / requests, 0 when there were no requests. */
  errorRate: number;
  /** Median gateway latency, null when there were no requests. */
  p50LatencyMs: number | null;
  promptTokens: number;
  completionTokens: number;
}

function checkDays(days: number): number {
  if (!Number.isInteger(days) || days < 1 || days > MAX_USAGE_DAYS) throw new RangeError(`days must be a whole number from 1 to ${MAX_USAGE_DAYS}`);
  return days;
}

/** Midnight UTC, `days - 1` days ago, as a timestamp without time zone. */
const rangeStart = (days: number) => Prisma.sql`(date_trunc('day', now() AT TIME ZONE 'UTC') - make_interval(days => ${days - 1}::int))`;

/** One row per day, oldest first, days without traffic included as zeros. One query. */
export async function projectUsageByDay(orgId: OrgId, projectId: string, days = 14): Promise<UsageDay[]> {
  const start = rangeStart(checkDays(days));
  const rows = await db.$queryRaw<{ day: string; requests: number; errors: number; prompt_tokens: bigint; completion_tokens: bigint }[]>`
    WITH series AS (
      SELECT generate_series(${start}, date_trunc('day', now() AT TIME ZONE 'UTC'), interval '1 day') AS day
    ),
    usage AS (
      SELECT date_trunc('day', created_at AT TIME ZONE 'UTC') AS day,
             count(*)::int AS requests,
             (count(*) FILTER (WHERE status >= 400))::int AS errors,
             coalesce(sum(prompt_tokens), 0)::bigint AS prompt_tokens,
             coalesce(sum(completion_tokens), 0)::bigint AS completion_tokens
        FROM usage_records
       WHERE org_id = ${orgId}::uuid
         AND project_id = ${projectId}::uuid
         AND created_at >= (${start} AT TIME ZONE 'UTC')
       GROUP BY 1
    )
    SELECT to_char(series.day, 'YYYY-MM-DD') AS day,
           coalesce(usage.requests, 0) AS requests,
           coalesce(usage.errors, 0) AS errors,
           coalesce(usage.prompt_tokens, 0) AS prompt_tokens,
           coalesce(usage.completion_tokens, 0) AS completion_tokens
      FROM series
      LEFT JOIN usage ON usage.day = series.day
     ORDER BY series.day`;
  return rows.map((row) => ({
    day: row.day,
    requests: Number(row.requests),
    errors: Number(row.errors),
    promptTokens: Number(row.prompt_tokens),
    completionTokens: Number(row.completion_tokens),
  }));
}

/** Totals, error rate and median latency over the same range as `projectUsageByDay`. One query. */
export async function projectUsageSummary(orgId: OrgId, projectId: string, days = 14): Promise<UsageSummary> {
  const start = rangeStart(checkDays(days));
  const [row] = await db.$queryRaw<{ requests: number; errors: number; p50: number | null; prompt_tokens: bigint; completion_tokens: bigint }[]>`
    SELECT count(*)::int AS requests,
           (count(*) FILTER (WHERE status >= 400))::int AS errors,
           (percentile_disc(0.5) WITHIN GROUP (ORDER BY latency_ms))::int AS p50,
           coalesce(sum(prompt_tokens), 0)::bigint AS prompt_tokens,
           coalesce(sum(completion_tokens), 0)::bigint AS completion_tokens
      FROM usage_records
     WHERE org_id = ${orgId}::uuid
       AND project_id = ${projectId}::uuid
       AND created_at >= (${start} AT TIME ZONE 'UTC')`;
  const requests = Number(row?.requests ?? 0);
  const errors = Number(row?.errors ?? 0);
  return {
    requests,
    errors,
    errorRate: requests === 0 ? 0 : errors / requests,
    p50LatencyMs: row?.p50 == null ? null : Number(row.p50),
    promptTokens: Number(row?.prompt_tokens ?? 0),
    completionTokens: Number(row?.completion_tokens ?? 0),
  };
}
