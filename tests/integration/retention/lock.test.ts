import pg from "pg";
import { describe, expect, it } from "vitest";
import { db } from "@/lib/db/client";
import { isPglite } from "@/lib/db/migrate";
import { RETENTION_LOCK_KEY } from "@/lib/retention/lock";
import { runRetention } from "@/lib/retention/run";
import { DAY, NOW, ago, insertUsage, makeRetentionOrg, runUnskipped, usageIds } from "./support";

const pglite = await isPglite(process.env.DATABASE_URL!);

describe("one retention run at a time", () => {
  it("of two concurrent runs, one does the work and the other is skipped (and recorded)", async () => {
    const { org, project } = await makeRetentionOrg(1);
    await insertUsage(project, Array.from({ length: 30 }, (_, i) => ago(2 * DAY + i * 1000)));
    const options = { trigger: "manual" as const, now: NOW, orgIds: [org.id], batchSize: 5 };
    // Another test file may hold the lock for a moment (both skipped): try again.
    let pair: Awaited<ReturnType<typeof runRetention>>[] = [];
    for (let attempt = 0; attempt < 40; attempt++) {
      pair = await Promise.all([runRetention(options), runRetention(options)]);
      if (pair.some((r) => r.status !== "skipped")) break;
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
    const worked = pair.filter((r) => r.status === "completed");
    const skipped = pair.filter((r) => r.status === "skipped");
    expect(worked).toHaveLength(1);
    expect(skipped).toHaveLength(1);
    expect(worked[0]!.totals.usage).toBe(30);
    expect(skipped[0]!.totals).toMatchObject({ usage: 0, contents: 0, audit: 0, batches: 0 });
    expect((await usageIds(org.id)).size).toBe(0);
    const rows = await db.retentionRun.findMany({ where: { id: { in: pair.map((r) => r.runId) } } });
    expect(rows.map((r) => r.status).sort()).toEqual(["completed", "skipped"]);
  });

  // PGlite is one backend shared by every connection: an advisory lock there excludes no one
  // (the process-wide guard does the work, as the test above shows).
  it.skipIf(pglite)("skips while another connection (another instance) holds the advisory lock (PostgreSQL only)", async () => {
    const { org, project } = await makeRetentionOrg(1);
    await insertUsage(project, [ago(2 * DAY)]);
    const other = new pg.Client({ connectionString: process.env.DATABASE_URL! });
    await other.connect();
    try {
      await other.query("SELECT pg_advisory_lock(hashtextextended($1, 0))", [RETENTION_LOCK_KEY]);
      const blocked = await runRetention({ trigger: "manual", now: NOW, orgIds: [org.id] });
      expect(blocked.status).toBe("skipped");
      expect((await usageIds(org.id)).size).toBe(1);
      await other.query("SELECT pg_advisory_unlock(hashtextextended($1, 0))", [RETENTION_LOCK_KEY]);
      const after = await runUnskipped({ orgIds: [org.id] });
      expect(after).toMatchObject({ status: "completed", totals: { usage: 1 } });
    } finally {
      await other.end();
    }
  });
});
