import { createInterface } from "node:readline";
import { createRateLimiter } from "@/lib/ratelimit/limiter";
import { GATEWAY, gatewayChecks, roundTripsOf } from "./support";

/**
 * One instance of the app, for multi-process.test.ts: its own limiter over
 * the shared Redis. Warms up, says "ready", waits for "go" on stdin, then
 * fires `count` multi-checks at once on the shared key and prints what it
 * admitted and how many round trips that took, as one JSON line.
 *
 * Usage: tsx multi-process-child.ts <redis url> <prefix> <count>
 */
const [url, prefix, count] = process.argv.slice(2);
if (!url || !prefix || !count) throw new Error("usage: multi-process-child.ts <redis url> <prefix> <count>");

const limiter = createRateLimiter({ policies: GATEWAY, backend: { kind: "redis", url }, prefix, timeoutMs: 2_000 });
await limiter.checkAll(gatewayChecks(`warm-up-${process.pid}`, `warm-up-org-${process.pid}`));
process.stdout.write("ready\n");

const lines = createInterface({ input: process.stdin });
for await (const line of lines) if (line.trim() === "go") break;
lines.close();

const { value: outcomes, trips } = await roundTripsOf(() =>
  Promise.all(Array.from({ length: Number(count) }, () => limiter.checkAll(gatewayChecks("shared-key", "shared-org", 10)))),
);
const failed = outcomes.filter((o) => o.results.some((r) => r?.failedOpen || r?.failedClosed)).length;
process.stdout.write(`${JSON.stringify({ admitted: outcomes.filter((o) => o.success).length, failed, trips })}\n`);
await limiter.close();
