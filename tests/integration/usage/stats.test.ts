import { randomUUID } from "node:crypto";
import { describe, expect, it } from "vitest";
import { db } from "@/lib/db/client";
import type { OrgId } from "@/lib/security/context";
import { projectUsageByDay, projectUsageSummary } from "@/lib/usage/stats";
import { makeTenant, type Tenant } from "../../support/fixtures";

const DAY = 86_400_000;
const utcMidnight = (daysAgo: number) => {
  const now = new Date();
  return new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate()) - daysAgo * DAY);
};

async function usage(t: Tenant, createdAt: Date, status = 200, latencyMs = 10) {
  await db.usageRecord.create({
    data: {
      id: randomUUID(),
      orgId: t.org.id,
      projectId: t.project.id,
      apiKeyId: t.apiKey.id,
      provider: "openai",
      model: "gpt-4o-mini",
      endpoint: "chat.completions",
      status,
      latencyMs,
      promptTokens: 3,
      completionTokens: 4,
      totalTokens: 7,
      requestId: randomUUID(),
      createdAt,
    },
  });
}

describe("project usage statistics", () => {
  it("counts requests and errors per UTC day, zero days included, other tenants excluded", async () => {
    const t = await makeTenant("Stats");
    const other = await makeTenant("StatsOther");
    await usage(t, new Date(utcMidnight(0).getTime() + 1_000));
    await usage(t, new Date(utcMidnight(0).getTime() + 2_000), 429, 30);
    await usage(t, new Date(utcMidnight(1).getTime() + DAY - 1_000), 200, 20); // last second of yesterday
    await usage(t, new Date(utcMidnight(13).getTime() + 1_000)); // first day of the range
    await usage(t, new Date(utcMidnight(14).getTime() + DAY - 1_000)); // the day before the range
    await usage(other, new Date(utcMidnight(0).getTime() + 1_000), 500);

    const days = await projectUsageByDay(t.org.id as OrgId, t.project.id, 14);
    expect(days).toHaveLength(14);
    expect(days.at(-1)).toMatchObject({ requests: 2, errors: 1, promptTokens: 6, completionTokens: 8 });
    expect(days.at(-2)).toMatchObject({ requests: 1, errors: 0 });
    expect(days[0]).toMatchObject({ requests: 1 });
    expect(days.slice(1, -2).every((d) => d.requests === 0)).toBe(true);

    const summary = await projectUsageSummary(t.org.id as OrgId, t.project.id, 14);
    expect(summary).toMatchObject({ requests: 4, errors: 1, errorRate: 0.25 });
    expect(summary.p50LatencyMs).toBeGreaterThanOrEqual(10);

    // A project id of another org, asked under this org, shows nothing.
    const foreign = await projectUsageByDay(t.org.id as OrgId, other.project.id, 14);
    expect(foreign.every((d) => d.requests === 0)).toBe(true);
  });
});
