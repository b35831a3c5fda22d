// The audit benchmark's data. One large org and 99 smaller ones share one
// audit log, their events interleaved in time as they would be in production,
// each hashed and linked exactly as recordAudit does (so every chain
// verifies), streamed into `COPY audit_logs FROM STDIN` through psql. Then,
// for retention, usage records of several orgs backdated past their 30 days.
import { spawn } from "node:child_process";
import { randomUUID } from "node:crypto";
import type { AuditAction } from "../../lib/audit/actions";
import { GENESIS_HASH, hashEvent, type ChainedFields } from "../../lib/audit/chain";
import { seedKey, type BenchDatabase, type SeededKey } from "./setup";

/** Milliseconds between consecutive events of the whole log: 2,000,000 events span 80 days, inside every audit retention. */
const STEP_MS = 3456;
const OTHER_ORGS = 99;
const CHUNK = 10_000;

type ActorKind = "user" | "key" | "anonymous";
type TargetKind = "self" | "api_key" | "project" | "member" | "org" | "invitation" | "none";

/** What an org's log is made of, by weight (out of about 1,000). */
const ACTIONS: { action: AuditAction; weight: number; actor: ActorKind; target: TargetKind; metadata: Record<string, unknown>[] }[] = [
  { action: "auth.sign_in.succeeded", weight: 260, actor: "user", target: "self", metadata: [{ method: "password" }, { method: "sso", provider: "okta" }] },
  { action: "auth.sign_out", weight: 120, actor: "user", target: "self", metadata: [{}] },
  { action: "auth.sign_in.failed", weight: 40, actor: "anonymous", target: "none", metadata: [{ reason: "bad_password" }, { reason: "unknown_email" }] },
  { action: "api_key.created", weight: 60, actor: "user", target: "api_key", metadata: [{ name: "ci", scopes: ["chat", "models"] }, { name: "backend", scopes: ["chat"] }] },
  { action: "api_key.updated", weight: 70, actor: "user", target: "api_key", metadata: [{ changed: ["ipAllowlist"], ipAllowlist: ["203.0.113.0/24"] }, { changed: ["rateLimit"], rateLimit: 1200 }] },
  { action: "api_key.rotated", weight: 40, actor: "user", target: "api_key", metadata: [{ graceHours: 24 }, { graceHours: 0 }] },
  { action: "api_key.revoked", weight: 30, actor: "user", target: "api_key", metadata: [{ reason: "leaked" }, {}] },
  { action: "project.created", weight: 20, actor: "user", target: "project", metadata: [{ name: "Search" }, { name: "Support bot" }] },
  { action: "project.renamed", weight: 15, actor: "user", target: "project", metadata: [{ before: "Search", after: "Search v2" }] },
  { action: "project.deleted", weight: 5, actor: "user", target: "project", metadata: [{ name: "Old prototype" }] },
  { action: "project_settings.updated", weight: 60, actor: "key", target: "project", metadata: [{ changed: ["retentionDays"], before: { retentionDays: 30 }, after: { retentionDays: 14 } }] },
  { action: "settings.updated", weight: 40, actor: "user", target: "org", metadata: [{ changed: ["storePrompts"], before: { storePrompts: false }, after: { storePrompts: true } }] },
  { action: "member.invited", weight: 50, actor: "user", target: "invitation", metadata: [{ role: "DEVELOPER" }, { role: "VIEWER" }] },
  { action: "member.joined", weight: 40, actor: "user", target: "self", metadata: [{ role: "DEVELOPER" }] },
  { action: "member.role_changed", weight: 30, actor: "user", target: "member", metadata: [{ before: "VIEWER", after: "DEVELOPER" }, { before: "DEVELOPER", after: "ADMIN" }] },
  { action: "member.removed", weight: 15, actor: "user", target: "member", metadata: [{ role: "VIEWER" }] },
  { action: "member.invitation_revoked", weight: 10, actor: "user", target: "invitation", metadata: [{}] },
  { action: "audit.exported", weight: 10, actor: "user", target: "org", metadata: [{ format: "csv", filters: {} }, { format: "jsonl", filters: { action: ["api_key.created"] } }] },
];
const TOTAL_WEIGHT = ACTIONS.reduce((sum, a) => sum + a.weight, 0);
/** The viewer's two filters: an action and one of the busier users (Zipf rank 3 of 40). */
export const FILTER_ACTION: AuditAction = "api_key.rotated";
const FILTER_USER = 2;
const USER_AGENTS = [
  "Mozilla/5.0 (Macintosh; Intel Mac OS X 14_5) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Safari/605.1.15",
  "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36",
  "Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0",
  "gatehouse-terraform/1.4.2 (+https://registry.terraform.io)",
];

/** A small deterministic generator (mulberry32): the same log on every run. */
function random(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

interface Chain {
  orgId: string;
  users: { id: string; email: string }[];
  /** Cumulative Zipf weights over `users`: a few people do most things. */
  userWeights: number[];
  keys: { id: string; label: string }[];
  projects: string[];
  members: string[];
  seq: bigint;
  prevHash: string;
}

function chain(orgId: string, users: { id: string; email: string }[], keys: number, projects: number): Chain {
  let sum = 0;
  const userWeights = users.map((_, k) => (sum += 1 / (k + 1)));
  return {
    orgId,
    users,
    userWeights: userWeights.map((w) => w / sum),
    keys: Array.from({ length: keys }, (_, k) => ({ id: randomUUID(), label: `gh_live_${k.toString(16).padStart(4, "0")}` })),
    projects: Array.from({ length: projects }, () => randomUUID()),
    members: Array.from({ length: users.length * 2 }, () => randomUUID()),
    seq: 0n,
    prevHash: GENESIS_HASH,
  };
}

const pick = <T>(items: readonly T[], r: number): T => items[Math.floor(r * items.length)]!;
const weighted = (cumulative: readonly number[], r: number) => {
  const i = cumulative.findIndex((w) => r < w);
  return i < 0 ? cumulative.length - 1 : i;
};
const ACTION_CUMULATIVE = (() => {
  let sum = 0;
  return ACTIONS.map((a) => (sum += a.weight / TOTAL_WEIGHT));
})();

/** The next event of `c` at `createdAt`, hashed and linked; `matches` says whether it meets the viewer's filter. */
function nextEvent(c: Chain, createdAt: Date, rand: () => number, requestNo: number): { fields: ChainedFields; hash: string; matches: boolean } {
  const spec = ACTIONS[weighted(ACTION_CUMULATIVE, rand())]!;
  const userIndex = weighted(c.userWeights, rand());
  const user = c.users[userIndex]!;
  const key = pick(c.keys, rand());
  const actor =
    spec.actor === "user"
      ? { type: "USER", id: user.id, label: user.email, ip: `198.51.100.${userIndex + 10}` }
      : spec.actor === "key"
        ? { type: "API_KEY", id: key.id, label: key.label, ip: "203.0.113.40" }
        : { type: "ANONYMOUS", id: null, label: `visitor${Math.floor(rand() * 500)}@example.com`, ip: `192.0.2.${Math.floor(rand() * 250)}` };
  const project = pick(c.projects, rand());
  const target: [string | null, string | null] = {
    self: ["user", actor.id],
    api_key: ["api_key", key.id],
    project: ["project", project],
    member: ["user", pick(c.members, rand())],
    org: ["org", c.orgId],
    invitation: ["invitation", pick(c.members, rand())],
    none: [null, null],
  }[spec.target] as [string | null, string | null];
  c.seq += 1n;
  const fields: ChainedFields = {
    chain: c.orgId,
    seq: c.seq,
    orgId: c.orgId,
    projectId: spec.target === "project" ? project : null,
    action: spec.action,
    actorType: actor.type,
    actorId: actor.id,
    actorLabel: actor.label,
    targetType: target[0],
    targetId: target[1],
    ip: actor.ip,
    userAgent: spec.actor === "key" ? USER_AGENTS[3]! : USER_AGENTS[userIndex % 3]!,
    requestId: `req_${requestNo.toString(36).padStart(8, "0")}`,
    metadata: pick(spec.metadata, rand()),
    createdAt,
    prevHash: c.prevHash,
  };
  const hash = hashEvent(fields);
  c.prevHash = hash;
  return { fields, hash, matches: spec.action === FILTER_ACTION && actor.id === c.users[FILTER_USER]?.id };
}

/** COPY's text format: backslash, tab, newline and carriage return escaped, NULL as \N. */
const cell = (value: string | null) => (value === null ? "\\N" : /[\\\t\n\r]/.test(value) ? value.replace(/[\\\t\n\r]/g, (c) => ({ "\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r" })[c]!) : value);
const COPY_COLUMNS = "id, chain, seq, org_id, project_id, action, actor_type, actor_id, actor_label, target_type, target_id, ip, user_agent, request_id, metadata, created_at, prev_hash, hash";

function copyLine(f: ChainedFields, hash: string): string {
  const cells = [randomUUID(), f.chain, f.seq.toString(), f.orgId, f.projectId, f.action, f.actorType, f.actorId, f.actorLabel, f.targetType, f.targetId, f.ip, f.userAgent, f.requestId, JSON.stringify(f.metadata), f.createdAt.toISOString(), f.prevHash, hash];
  return `${cells.map(cell).join("\t")}\n`;
}

/** `psql <url> -c <command>` with stdin and stdout as pipes; `done` resolves once it exited 0 and its output was read. */
export function psql(url: string, command: string) {
  const proc = spawn("psql", [url, "-X", "-q", "-v", "ON_ERROR_STOP=1", "-c", command], { stdio: ["pipe", "pipe", "pipe"] });
  let stderr = "";
  proc.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
  const done = new Promise<void>((resolve, reject) => {
    proc.once("error", reject);
    proc.once("close", (code) => (code === 0 ? resolve() : reject(new Error(`psql exited with ${code}: ${stderr.trim()}`))));
  });
  return { proc, done };
}

export interface AuditSeed {
  orgId: string;
  /** Users with the OWNER role: the benchmark's sessions (rotated so that no one meets the management rate limit). */
  owners: string[];
  events: number;
  otherEvents: number;
  otherOrgs: number;
  filter: { action: AuditAction; actorId: string; matching: number };
  /** created_at of the large org's event `seq` (seq 1 is the oldest). */
  createdAtOf: (seq: number) => Date;
  seconds: number;
}

/**
 * The large org (40 acting users, 10 keys, `owners` extra OWNER members) with
 * `events` events, and 99 orgs sharing as many again: even positions of the
 * log go to the large org, odd ones to the others in turn. The secondary
 * indexes are dropped for the load and built again after it (five times
 * faster than maintaining them row by row); built in one pass they are
 * denser than indexes grown by inserts.
 */
export async function seedAuditLog(database: BenchDatabase, events: number, owners: number, log: (line: string) => void): Promise<AuditSeed> {
  const started = performance.now();
  const { db } = database;
  const stamp = Date.now().toString(36);
  const org = await db.org.create({ data: { name: "Bench audit", slug: `bench-audit-${stamp}`, settings: { create: {} } } });
  const actors = Array.from({ length: 40 }, (_, k) => ({ id: randomUUID(), email: `person${k}-${stamp}@example.com` }));
  const ownerUsers = Array.from({ length: owners }, (_, k) => ({ id: randomUUID(), email: `owner${k}-${stamp}@example.com` }));
  await db.user.createMany({ data: [...actors, ...ownerUsers].map((u) => ({ ...u, name: u.email.split("@")[0]! })) });
  await db.membership.createMany({ data: [...actors.map((u, k) => ({ orgId: org.id, userId: u.id, role: k < 3 ? "ADMIN" : "DEVELOPER" }) as const), ...ownerUsers.map((u) => ({ orgId: org.id, userId: u.id, role: "OWNER" }) as const)] });
  const others = Array.from({ length: OTHER_ORGS }, (_, k) => ({ id: randomUUID(), name: `Bench other ${k}`, slug: `bench-other-${k}-${stamp}` }));
  await db.org.createMany({ data: others });
  await db.orgSettings.createMany({ data: others.map((o) => ({ orgId: o.id })) });

  const main = chain(org.id, actors, 10, 30);
  const otherChains = others.map((o) => chain(o.id, Array.from({ length: 8 }, (_, k) => ({ id: randomUUID(), email: `member${k}-${o.slug}@example.com` })), 3, 5));
  const first = Date.now() - 2 * events * STEP_MS - 60_000;
  const rand = random(20_261_123);
  const indexes = await database.db.$queryRaw<{ name: string; definition: string }[]>`
    SELECT indexname AS name, indexdef AS definition FROM pg_indexes WHERE tablename = 'audit_logs' AND indexname <> 'audit_logs_pkey'`;
  for (const index of indexes) await database.db.$executeRawUnsafe(`DROP INDEX "${index.name}"`);
  const copy = psql(database.url, `COPY audit_logs (${COPY_COLUMNS}) FROM STDIN`);
  let matching = 0;
  for (let start = 0; start < 2 * events; start += CHUNK) {
    let text = "";
    for (let g = start; g < Math.min(2 * events, start + CHUNK); g++) {
      const c = g % 2 === 0 ? main : otherChains[(g >> 1) % OTHER_ORGS]!;
      const event = nextEvent(c, new Date(first + g * STEP_MS), rand, g);
      if (event.matches && c === main) matching++;
      text += copyLine(event.fields, event.hash);
    }
    if (!copy.proc.stdin.write(text)) await new Promise((resolve) => copy.proc.stdin.once("drain", resolve));
    if ((start / CHUNK) % 40 === 39) log(`  ${((start + CHUNK) / 1e6).toFixed(1)}M events written`);
  }
  copy.proc.stdin.end();
  await copy.done;
  log(`  ${2 * events} events loaded; building the ${indexes.length} secondary indexes`);
  await database.db.$transaction(async (tx) => {
    await tx.$executeRawUnsafe("SET LOCAL maintenance_work_mem = '256MB'");
    for (const index of indexes) await tx.$executeRawUnsafe(index.definition);
  }, { timeout: 15 * 60_000 });
  return {
    orgId: org.id,
    owners: ownerUsers.map((u) => u.id),
    events,
    otherEvents: events,
    otherOrgs: OTHER_ORGS,
    filter: { action: FILTER_ACTION, actorId: actors[FILTER_USER]!.id, matching },
    createdAtOf: (seq) => new Date(first + 2 * (seq - 1) * STEP_MS),
    seconds: (performance.now() - started) / 1000,
  };
}

export interface UsageSeed {
  /** The orgs whose records expire (30 days, the default). */
  orgIds: string[];
  expired: number;
  kept: number;
  /** The concurrent writer's org, project and key: nothing of it expires. */
  writer: SeededKey & { projectId: string };
  seconds: number;
}

/**
 * `expired` usage records over `orgs` orgs (one project and key each), 31 to
 * 396 days old, and a tenth as many within the last 29 days; interleaved
 * across the orgs and in time order, as the gateway writes them.
 */
export async function seedUsage(database: BenchDatabase, expired: number, orgs: number): Promise<UsageSeed> {
  const started = performance.now();
  const { db } = database;
  const keys: SeededKey[] = [];
  for (let i = 0; i < orgs; i++) keys.push(await seedKey(db, `usage${i}`, 600));
  const writerKey = await seedKey(db, "writer", 600);
  const projectOf = async (key: SeededKey) => (await db.apiKey.findUniqueOrThrow({ where: { id: key.keyId }, select: { projectId: true } })).projectId;
  const projects = await Promise.all(keys.map(projectOf));
  const day = 86_400_000;
  const insert = (count: number, oldest: Date, spanMs: number) => db.$executeRaw`
    INSERT INTO usage_records (id, org_id, project_id, api_key_id, provider, model, endpoint, stream, status, latency_ms,
                               prompt_tokens, completion_tokens, total_tokens, request_id, created_at)
    SELECT gen_random_uuid(), (${keys.map((k) => k.orgId)}::uuid[])[1 + g % ${orgs}::int], (${projects}::uuid[])[1 + g % ${orgs}::int],
           (${keys.map((k) => k.keyId)}::uuid[])[1 + g % ${orgs}::int], 'openai', (ARRAY['gpt-4o-mini', 'gpt-4o', 'o3-mini'])[1 + g % 3],
           '/v1/chat/completions', g % 5 = 0, CASE WHEN g % 50 = 0 THEN 429 ELSE 200 END, 150 + g % 900,
           20 + g % 400, 10 + g % 300, 30 + g % 700, 'req_' || to_hex(g),
           ${oldest}::timestamptz + make_interval(secs => g * ${spanMs / count / 1000}::double precision)
    FROM generate_series(0, ${count - 1}::int) AS g`;
  const now = Date.now();
  await insert(expired, new Date(now - 396 * day), 365 * day);
  const kept = Math.round(expired / 10);
  await insert(kept, new Date(now - 29 * day), 28 * day);
  return { orgIds: keys.map((k) => k.orgId), expired, kept, writer: { ...writerKey, projectId: await projectOf(writerKey) }, seconds: (performance.now() - started) / 1000 };
}
