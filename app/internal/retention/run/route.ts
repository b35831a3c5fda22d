import { env } from "@/lib/env";
import { runRetention } from "@/lib/retention/run";
import { retentionQuerySchema, retentionResultSchema } from "@/lib/retention/schemas";
import { withCron } from "@/lib/security/with-cron";

export const dynamic = "force-dynamic";
export const maxDuration = 60;

/**
 * The same job for schedulers other than Vercel's: POST with
 * `Authorization: Bearer $RETENTION_SECRET` (or CRON_SECRET when
 * RETENTION_SECRET is not set), compared in constant time; `?dryRun=1` as on
 * GET /api/cron/retention.
 */
export const POST = withCron(
  "retention",
  async ({ actor, request, query }) =>
    retentionResultSchema.parse(await runRetention({ trigger: "internal", dryRun: query.dryRun, actor, request })),
  { query: retentionQuerySchema, secret: () => env().RETENTION_SECRET ?? env().CRON_SECRET },
);
