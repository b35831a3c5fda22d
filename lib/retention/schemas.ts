import { z } from "zod";

/** `?dryRun=1` (or `true`): count what would be deleted, delete nothing. */
export const retentionQuerySchema = z.object({
  dryRun: z
    .enum(["1", "0", "true", "false"])
    .optional()
    .transform((value) => value === "1" || value === "true"),
});

const counts = z.object({ usage: z.number().int(), contents: z.number().int(), audit: z.number().int() });

/** What a retention route answers: the run, its status and what it deleted (or would delete) per org. */
export const retentionResultSchema = z.object({
  runId: z.uuid(),
  status: z.enum(["completed", "partial", "failed", "skipped"]),
  dryRun: z.boolean(),
  counts: z.record(z.string(), counts),
  totals: counts.extend({
    orgs: z.number().int(),
    batches: z.number().int(),
    maxBatchMs: z.number(),
    durationMs: z.number(),
  }),
});
