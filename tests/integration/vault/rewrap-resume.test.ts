import { spawn } from "node:child_process";
import { randomBytes, randomInt, randomUUID } from "node:crypto";
import path from "node:path";
import { createInterface } from "node:readline";
import { setTimeout as sleep } from "node:timers/promises";
import { afterAll, expect, it } from "vitest";
import { verifyAuditChain } from "@/lib/audit/verify";
import { db } from "@/lib/db/client";
import { fingerprintOf, last4Of, open, seal, type Binding } from "@/lib/vault/envelope";
import { liveScope } from "@/lib/vault/service";
import { makeOrg } from "../../support/fixtures";
import { bindingOf, credentialRows, makeRing, providerSecret, sealedOf } from "./support";

/**
 * Master-key rotation with the real CLI (`scripts/vault.ts rewrap`) in a
 * process of its own over 10,000 data keys: killed with SIGKILL after a random
 * number of batches, every row is still under one KEK or the other and opens;
 * run again, it finishes the job; run a third time, it does nothing. The audit
 * chains of the orgs it touched still verify.
 */
const ROOT = path.resolve(import.meta.dirname, "../../..");
const TOTAL = 10_000;
const BATCH = 250;
const ORGS = 4;
const PROVIDERS = ["openai", "anthropic"] as const;

// Ids of this run's own: the KEK table is shared by every test file of the run.
const suffix = randomUUID().slice(0, 8);
const OLD_ID = `old-${suffix}`;
const NEW_ID = `new-${suffix}`;
const OLD = randomBytes(32);
const NEW = randomBytes(32);
const underOld = makeRing(OLD_ID, { [OLD_ID]: OLD });
const rotated = makeRing(NEW_ID, { [NEW_ID]: NEW, [OLD_ID]: OLD });

const orgIds: string[] = [];
const secrets = new Map<string, string>();
const ciphertexts = new Map<string, string>();
const revokedIds: string[] = [];
const running = new Set<number>();

afterAll(() => {
  for (const pid of running) process.kill(-pid, "SIGKILL");
});

interface Line {
  event: "batch" | "done";
  batch?: number;
  rewrapped: number;
  failed: number;
  pending: number;
  activeKekId?: string;
}

interface Run {
  lines: Line[];
  code: number | null;
  signal: NodeJS.Signals | null;
  stderr: string;
  applicationName: string;
}

/**
 * `tsx scripts/vault.ts rewrap --json` in a process group of its own (tsx runs
 * the script in a child process: the whole group is killed). With `killAfter`,
 * SIGKILL as soon as that many batch lines were printed.
 */
function runRewrap(killAfter?: number): Promise<Run> {
  const applicationName = `vault-rewrap-${randomUUID().slice(0, 8)}`;
  const url = new URL(process.env.DATABASE_URL!);
  url.searchParams.set("application_name", applicationName);
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    DATABASE_URL: url.toString(),
    MASTER_KEYS: `${NEW_ID}:${NEW.toString("base64")},${OLD_ID}:${OLD.toString("base64")}`,
    MASTER_KEY_ID: NEW_ID,
    LOG_LEVEL: "warn",
  };
  delete env.MASTER_KEY;
  const child = spawn(path.join(ROOT, "node_modules/.bin/tsx"), ["--conditions=react-server", "scripts/vault.ts", "rewrap", "--json", "--batch-size", String(BATCH)], {
    cwd: ROOT,
    env,
    detached: true,
    stdio: ["ignore", "pipe", "pipe"],
  });
  running.add(child.pid!);
  let stderr = "";
  child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
  const lines: Line[] = [];
  let batches = 0;
  createInterface({ input: child.stdout }).on("line", (text) => {
    let line: Line;
    try {
      line = JSON.parse(text) as Line;
    } catch {
      return; // anything else the process prints
    }
    lines.push(line);
    if (line.event === "batch" && ++batches === killAfter) process.kill(-child.pid!, "SIGKILL");
  });
  return new Promise((resolve) => {
    child.once("close", (code, signal) => {
      running.delete(child.pid!);
      resolve({ lines, code, signal, stderr, applicationName });
    });
  });
}

/** Until the server has noticed the killed process's connections are gone (and rolled back what they held). */
async function connectionsGone(applicationName: string): Promise<void> {
  for (let i = 0; i < 200; i++) {
    const [row] = await db.$queryRaw<{ n: bigint }[]>`SELECT count(*) AS n FROM pg_stat_activity WHERE application_name = ${applicationName}`;
    if (row!.n === 0n) return;
    await sleep(50);
  }
  throw new Error(`connections of ${applicationName} are still open`);
}

async function seed(): Promise<void> {
  for (let i = 0; i < ORGS; i++) orgIds.push((await makeOrg(`Rewrap${i}`)).id);
  // Each org: one org-wide key and a project key per project for each provider.
  const perOrg = TOTAL / ORGS / PROVIDERS.length - 1;
  const projects = new Map<string, string[]>();
  for (const orgId of orgIds) {
    const rows = await db.$queryRaw<{ id: string }[]>`
      INSERT INTO projects (id, org_id, name, created_at, updated_at)
      SELECT gen_random_uuid(), ${orgId}::uuid, 'Rewrap project ' || g, now(), now() FROM generate_series(1, ${perOrg}::int) AS g
      RETURNING id`;
    projects.set(orgId, rows.map((r) => r.id));
  }
  const columns = { id: [] as string[], org: [] as string[], project: [] as (string | null)[], provider: [] as string[], fingerprint: [] as string[], last4: [] as string[], dek: [] as Buffer[], ct: [] as Buffer[], scope: [] as (string | null)[] };
  for (const orgId of orgIds) {
    for (const provider of PROVIDERS) {
      for (const projectId of [null, ...projects.get(orgId)!]) {
        const id = randomUUID();
        const secret = providerSecret(provider);
        const binding: Binding = { orgId, credentialId: id, projectId, provider, fingerprint: fingerprintOf(secret), last4: last4Of(secret) };
        const sealed = seal(underOld, binding, secret);
        secrets.set(id, secret);
        ciphertexts.set(id, sealed.ciphertext.toString("hex"));
        columns.id.push(id);
        columns.org.push(orgId);
        columns.project.push(projectId);
        columns.provider.push(provider);
        columns.fingerprint.push(binding.fingerprint);
        columns.last4.push(binding.last4);
        columns.dek.push(sealed.wrappedDek);
        columns.ct.push(sealed.ciphertext);
        columns.scope.push(liveScope(orgId, projectId, provider));
      }
    }
  }
  expect(columns.id).toHaveLength(TOTAL);
  const CHUNK = 2_500;
  for (let at = 0; at < TOTAL; at += CHUNK) {
    const part = <T>(values: T[]) => values.slice(at, at + CHUNK);
    await db.$executeRaw`
      INSERT INTO provider_credentials (id, org_id, project_id, provider, label, fingerprint, last4, format_version, kek_id, wrapped_dek, ciphertext, live_scope, updated_at)
      SELECT id, org_id, project_id, provider, 'bulk', fingerprint, last4, 1, ${OLD_ID}, dek, ct, scope, now()
        FROM unnest(${part(columns.id)}::uuid[], ${part(columns.org)}::uuid[], ${part(columns.project)}::uuid[], ${part(columns.provider)}::text[],
                    ${part(columns.fingerprint)}::text[], ${part(columns.last4)}::text[], ${part(columns.dek)}::bytea[], ${part(columns.ct)}::bytea[], ${part(columns.scope)}::text[])
          AS v(id, org_id, project_id, provider, fingerprint, last4, dek, ct, scope)`;
  }
  // A few revoked keys: nothing to re-wrap, and nothing a re-wrap may touch.
  for (const orgId of orgIds) {
    const id = randomUUID();
    revokedIds.push(id);
    await db.providerCredential.create({
      data: { id, orgId, provider: "openai", label: "revoked", fingerprint: "0".repeat(16), last4: "abcd", formatVersion: 1, revokedAt: new Date() },
    });
  }
}

async function myRows() {
  const rows = [];
  for (const orgId of orgIds) rows.push(...(await credentialRows({ orgId })));
  return rows.filter((row) => secrets.has(row.id));
}

/** Every row is under the old KEK or the new one, whole, and opens to its own secret. */
async function everyRowOpens(): Promise<{ old: number; new: number }> {
  const rows = await myRows();
  expect(rows).toHaveLength(TOTAL);
  const counts = { old: 0, new: 0 };
  for (const row of rows) {
    expect([OLD_ID, NEW_ID]).toContain(row.kek_id);
    if (row.kek_id === OLD_ID) counts.old++;
    else counts.new++;
    expect(row.ciphertext!.toString("hex")).toBe(ciphertexts.get(row.id));
    const secret = open(rotated, bindingOf(row), sealedOf(row));
    if (secret !== secrets.get(row.id)) expect.fail(`credential ${row.id} opened to another secret`);
  }
  return counts;
}

/** The keys the audit log says were re-wrapped, org by org. */
async function auditedRewraps(): Promise<number> {
  const events = await db.auditLog.findMany({ where: { orgId: { in: orgIds }, action: "vault.rewrapped" }, select: { metadata: true } });
  return events.reduce((n, e) => {
    const metadata = e.metadata as { count: number; fromKekIds: string[]; toKekId: string };
    expect(metadata.fromKekIds).toEqual([OLD_ID]);
    expect(metadata.toKekId).toBe(NEW_ID);
    return n + metadata.count;
  }, 0);
}

/** The CLI's contract: exit 0 only when nothing failed and nothing is left (rows of other test files may fail). */
function expectExit(run: Run, done: Line) {
  expect(run.signal, run.stderr).toBeNull();
  expect(run.code, run.stderr).toBe(done.failed === 0 && done.pending === 0 ? 0 : 1);
  expect(done.activeKekId).toBe(NEW_ID);
}

it(`re-wraps ${TOTAL} data keys with the CLI, survives a SIGKILL between or inside batches, resumes, and is idempotent`, { timeout: 120_000 }, async () => {
  const started = performance.now();
  const phases: string[] = [];
  const lap = (name: string, since: number) => phases.push(`${name} ${Math.round(performance.now() - since)} ms`);
  let at = performance.now();
  await seed();
  lap("seed", at);
  expect((await everyRowOpens()).old).toBe(TOTAL);

  // 1. Killed after a random number of batch lines.
  const batches = TOTAL / BATCH;
  const killAfter = randomInt(1, batches);
  at = performance.now();
  const killed = await runRewrap(killAfter);
  lap("killed run", at);
  expect(killed.signal, `killed after ${killAfter} batches; stderr: ${killed.stderr}`).toBe("SIGKILL");
  const printed = killed.lines.filter((l) => l.event === "batch");
  expect(printed.length).toBeGreaterThanOrEqual(killAfter);
  await connectionsGone(killed.applicationName);
  const afterKill = await everyRowOpens();
  // At least what it reported, and exactly what it audited: a batch commits whole or not at all.
  expect(afterKill.new).toBeGreaterThanOrEqual(printed.at(-1)!.rewrapped);
  expect(afterKill.old + afterKill.new).toBe(TOTAL);
  expect(await auditedRewraps()).toBe(afterKill.new);

  // 2. Run again to completion.
  at = performance.now();
  const resumed = await runRewrap();
  lap("resumed run", at);
  const done = resumed.lines.at(-1)!;
  expect(done.event, resumed.stderr).toBe("done");
  expectExit(resumed, done);
  expect(done.rewrapped).toBe(afterKill.old);
  const final = await everyRowOpens();
  expect(final).toEqual({ old: 0, new: TOTAL });
  expect(await auditedRewraps()).toBe(TOTAL);
  for (const orgId of orgIds) expect(await verifyAuditChain(orgId), orgId).toMatchObject({ ok: true });
  const revoked = await db.providerCredential.findMany({ where: { id: { in: revokedIds } } });
  expect(revoked.map((r) => [r.kekId, r.wrappedDek, r.ciphertext])).toEqual(revokedIds.map(() => [null, null, null]));
  // The old KEK is no longer needed for any of them.
  const newOnly = makeRing(NEW_ID, { [NEW_ID]: NEW });
  for (const row of await myRows()) if (open(newOnly, bindingOf(row), sealedOf(row)) !== secrets.get(row.id)) expect.fail(`credential ${row.id}`);

  // 3. A third run re-wraps nothing and writes nothing.
  const deks = new Map((await myRows()).map((row) => [row.id, row.wrapped_dek!.toString("hex")]));
  const events = await db.auditLog.count({ where: { orgId: { in: orgIds } } });
  at = performance.now();
  const again = await runRewrap();
  lap("idle run", at);
  const idle = again.lines.at(-1)!;
  expect(idle.event, again.stderr).toBe("done");
  expectExit(again, idle);
  expect(idle.rewrapped).toBe(0);
  for (const row of await myRows()) expect(row.wrapped_dek!.toString("hex")).toBe(deks.get(row.id));
  expect(await db.auditLog.count({ where: { orgId: { in: orgIds } } })).toBe(events);

  console.log(`rewrap-resume: killed after ${killAfter} batch line(s) with ${afterKill.new} re-wrapped; ${phases.join(", ")}; ${Math.round(performance.now() - started)} ms in all`);
});
