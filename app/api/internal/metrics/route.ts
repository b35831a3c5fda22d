import { snapshot } from "@/lib/metrics";
import { withCron } from "@/lib/security/with-cron";

export const dynamic = "force-dynamic";

/**
 * The process counters (database queries, rate-limit store round trips,
 * gateway requests, key-cache hits and misses, usage records written and
 * dropped) for operators and the gateway benchmark. Counters belong to this
 * server process: they start at zero when it starts and are per instance.
 * Same door as scheduled jobs: `Authorization: Bearer $CRON_SECRET`, compared
 * in constant time.
 */
export const GET = withCron("metrics", async () => snapshot());
