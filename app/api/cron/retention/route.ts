import { runRetention } from "@/lib/retention/run";
import { retentionQuerySchema, retentionResultSchema } from "@/lib/retention/schemas";
import { withCron } from "@/lib/security/with-cron";

export const dynamic = "force-dynamic";
/** Seconds Vercel lets the function run; the job itself stops starting batches after RETENTION_BUDGET_MS. */
export const maxDuration = 60;

/**
 * The daily retention job (vercel.json schedules it; Vercel sends the
 * CRON_SECRET bearer). `?dryRun=1` reports what would be deleted. A run that
 * finds another one running answers `status: "skipped"`; one that runs out of
 * time answers `"partial"`, and the next run continues. See docs/RETENTION.md.
 */
export const GET = withCron(
  "retention",
  async ({ actor, request, query }) =>
    retentionResultSchema.parse(await runRetention({ trigger: "cron", dryRun: query.dryRun, actor, request })),
  { query: retentionQuerySchema },
);
