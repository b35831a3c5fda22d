import { randomUUID } from "node:crypto";
import { beforeAll, describe, expect, it } from "vitest";
import { db } from "@/lib/db/client";
import { DAY, NOW, addProject, ago, contentIds, insertUsage, makeRetentionOrg, runUnskipped, usageIds } from "./support";

/**
 * Three orgs with retention 1, 7 and 30 days, two project overrides (shorter
 * and longer than the org's), rows one second either side of each cutoff.
 */
const SECOND = 1000;

interface Planted {
  orgId: string;
  expired: Set<string>;
  kept: Set<string>;
}

async function plant(project: Awaited<ReturnType<typeof addProject>>, days: number, into: Planted) {
  const cutoff = days * DAY;
  const expired = await insertUsage(project, [cutoff + SECOND, cutoff + 60 * SECOND, cutoff + 3_600 * SECOND, cutoff + 2 * DAY, cutoff + 100 * DAY].map(ago));
  const kept = await insertUsage(project, [cutoff, cutoff - SECOND, cutoff - 3_600 * SECOND, SECOND].map(ago));
  for (const id of expired) into.expired.add(id);
  for (const id of kept) into.kept.add(id);
}

const orgs: Planted[] = [];

beforeAll(async () => {
  for (const [days, overrides] of [
    [1, []],
    [7, [2]],
    [30, [60]],
  ] as const) {
    const { org, project } = await makeRetentionOrg(days);
    const planted: Planted = { orgId: org.id, expired: new Set(), kept: new Set() };
    await plant(project, days, planted);
    for (const override of overrides) await plant(await addProject(org.id, override), override, planted);
    orgs.push(planted);
  }
});

const orgIds = () => orgs.map((o) => o.orgId);

async function expectNothingInsidePolicyDeleted() {
  for (const org of orgs) {
    const [usage, contents] = [await usageIds(org.orgId), await contentIds(org.orgId)];
    expect([...org.kept].filter((id) => !usage.has(id) || !contents.has(id)), "rows inside the policy deleted").toEqual([]);
  }
}

async function leftOutsidePolicy(): Promise<number> {
  let left = 0;
  for (const org of orgs) {
    const [usage, contents] = [await usageIds(org.orgId), await contentIds(org.orgId)];
    left += [...org.expired].filter((id) => usage.has(id) || contents.has(id)).length;
  }
  return left;
}

describe("retention by org and project policy", () => {
  it("dry run: counts what would be deleted per org and deletes nothing", async () => {
    const result = await runUnskipped({ dryRun: true, orgIds: orgIds() });
    expect(result).toMatchObject({ status: "completed", dryRun: true });
    expect(result.counts).toEqual({
      [orgs[0]!.orgId]: { usage: 5, contents: 5, audit: 0 },
      [orgs[1]!.orgId]: { usage: 10, contents: 10, audit: 0 },
      [orgs[2]!.orgId]: { usage: 10, contents: 10, audit: 0 },
    });
    expect(result.totals).toMatchObject({ usage: 25, contents: 25, audit: 0, orgs: 3, batches: 0 });
    expect(await leftOutsidePolicy()).toBe(25);
    await expectNothingInsidePolicyDeleted();
    const run = await db.retentionRun.findUniqueOrThrow({ where: { id: result.runId } });
    expect(run).toMatchObject({ dryRun: true, status: "completed", trigger: "manual" });
  });

  it("a run that fails after batch k leaves a consistent state; the rerun finishes the job", async () => {
    const crash = `stopped after batch 4 (${randomUUID()})`;
    const failing = runUnskipped({
      orgIds: orgIds(),
      batchSize: 3,
      onBatch: ({ index }) => {
        if (index === 4) throw new Error(crash);
      },
    });
    await expect(failing).rejects.toThrow(crash);
    await expectNothingInsidePolicyDeleted();
    const left = await leftOutsidePolicy();
    expect(left).toBeGreaterThan(0);
    expect(left).toBeLessThan(25);
    const failed = await db.retentionRun.findFirstOrThrow({ where: { status: "failed", error: crash } });
    expect((failed.totals as { usage: number }).usage).toBe(25 - left);

    const rerun = await runUnskipped({ orgIds: orgIds(), batchSize: 3 });
    expect(rerun.status).toBe("completed");
    expect(rerun.totals.usage).toBe(left);
    expect(rerun.totals.contents).toBe(left);
    expect(await leftOutsidePolicy()).toBe(0);
    await expectNothingInsidePolicyDeleted();
    expect(rerun.totals.maxBatchMs).toBeGreaterThan(0);

    // Recorded and audited as a system action on the platform chain.
    const run = await db.retentionRun.findUniqueOrThrow({ where: { id: rerun.runId } });
    expect(run).toMatchObject({ status: "completed", dryRun: false, trigger: "manual", error: null });
    expect(run.finishedAt).not.toBeNull();
    expect(run.counts).toEqual(rerun.counts);
    const event = await db.auditLog.findFirstOrThrow({ where: { chain: "platform", action: "retention.run", targetId: rerun.runId } });
    expect(event).toMatchObject({ orgId: null, actorType: "SYSTEM", actorLabel: "retention:manual", targetType: "retention_run" });
    expect(event.metadata).toMatchObject({ status: "completed", dryRun: false, totals: { usage: left } });

    const again = await runUnskipped({ orgIds: orgIds() });
    expect(again).toMatchObject({ status: "completed", counts: {}, totals: { usage: 0, orgs: 0, batches: 0 } });
  });

  it("stops starting batches when its time budget is spent (partial); the next run continues", async () => {
    const { org, project } = await makeRetentionOrg(1);
    const expired = await insertUsage(project, Array.from({ length: 20 }, (_, i) => ago(2 * DAY + i * SECOND)), false);
    const slow = () => new Promise<void>((resolve) => setTimeout(resolve, 40));
    const partial = await runUnskipped({ orgIds: [org.id], batchSize: 2, budgetMs: 100, onBatch: slow });
    expect(partial.status).toBe("partial");
    expect(partial.totals.usage).toBeGreaterThan(0);
    expect(partial.totals.usage).toBeLessThan(20);
    expect(await db.retentionRun.findUniqueOrThrow({ where: { id: partial.runId } })).toMatchObject({ status: "partial" });
    const rest = await runUnskipped({ orgIds: [org.id], batchSize: 2 });
    expect(rest.status).toBe("completed");
    expect(partial.totals.usage + rest.totals.usage).toBe(expired.length);
    expect((await usageIds(org.id)).size).toBe(0);
  });

  it("counts cutoffs from `now`: the same rows are inside the policy one day earlier", async () => {
    const { org, project } = await makeRetentionOrg(7);
    await insertUsage(project, [ago(7 * DAY + SECOND)]);
    const earlier = await runUnskipped({ orgIds: [org.id], now: new Date(NOW.getTime() - DAY) });
    expect(earlier.totals.usage).toBe(0);
    expect((await usageIds(org.id)).size).toBe(1);
  });
});
