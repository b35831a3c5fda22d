import { spawn, type ChildProcessWithoutNullStreams } from "node:child_process";
import path from "node:path";
import { createInterface } from "node:readline";
import { afterAll, expect, it } from "vitest";
import { REDIS_URL, deleteKeys, uniquePrefix } from "./support";

/**
 * Two separate Node processes, each with its own limiter over the same Redis
 * and prefix (two instances of the app), hit one key with a limit of 10 at
 * the same moment: together they admit exactly 10.
 */
const ROOT = path.resolve(import.meta.dirname, "../../..");
const CHILD = path.join(import.meta.dirname, "multi-process-child.ts");
const prefix = uniquePrefix("multi-process");
const children: ChildProcessWithoutNullStreams[] = [];

afterAll(async () => {
  for (const child of children) if (child.exitCode === null) child.kill();
  await deleteKeys(prefix);
});

interface Report {
  admitted: number;
  failed: number;
  trips: number;
}

/** Start one instance; resolves once it has warmed up, with a function that starts its burst. */
function start(count: number): Promise<{ go(): Promise<Report> }> {
  const child = spawn(path.join(ROOT, "node_modules/.bin/tsx"), [CHILD, REDIS_URL, prefix, String(count)], { cwd: ROOT });
  children.push(child);
  let stderr = "";
  child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
  const lines = createInterface({ input: child.stdout })[Symbol.asyncIterator]();
  const next = async (): Promise<string> => {
    const { value, done } = await lines.next();
    if (done) throw new Error(`child exited early: ${stderr.slice(0, 2_000)}`);
    return value;
  };
  return next().then((ready) => {
    expect(ready).toBe("ready");
    return {
      go: async () => {
        const exited = new Promise<number | null>((resolve) => child.once("exit", resolve));
        child.stdin.end("go\n");
        const report = JSON.parse(await next()) as Report;
        expect(await exited).toBe(0);
        return report;
      },
    };
  });
}

it("two processes sharing one Redis admit exactly 10 in total on a limit of 10", { timeout: 60_000 }, async () => {
  const [first, second] = await Promise.all([start(30), start(30)]);
  const reports = await Promise.all([first.go(), second.go()]);
  expect(reports.map((r) => r.failed)).toEqual([0, 0]);
  expect(reports[0]!.admitted + reports[1]!.admitted).toBe(10);
  // Each burst of 30 multi-checks, issued in one tick, was one round trip.
  expect(reports.map((r) => r.trips)).toEqual([1, 1]);
});
