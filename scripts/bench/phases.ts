// The phases of the gateway benchmark. Each returns its figures and how many
// gateway requests it saw admitted (answered 200): each of those must end up
// with a usage record.
import { randomBytes } from "node:crypto";
import { delta, loadRun, median, percentile, send, sequentialClient, sleep, timedRound, type LoadResult, type Metrics, type Target } from "./load";
import { seedKey, seedKeys, type BenchDatabase, type SeededKey, type VaultSeed } from "./setup";

export interface Settings {
  connections: number;
  seconds: number;
  warmup: number;
  runs: number;
  rounds: number;
  roundSize: number;
  blocked: number;
}

export interface Bench {
  db: BenchDatabase["db"];
  baseUrl: string;
  openaiBaseUrl: string;
  /** The server's master key: vaulted runs seal the provider key under it. */
  masterKey: string;
  settings: Settings;
  metrics: () => Promise<Metrics>;
  progress: (line: string) => void;
}

/**
 * Requests one org may take in the whole run. The server runs with a per-org
 * limit far above anything a run sends (RATE_LIMIT_ORG_PER_MINUTE), so one
 * key in one org carries each phase, as one busy customer would.
 */
export const PER_ORG_BUDGET = 5_000_000;
/** Long enough for the usage batch timer (5 s) to have fired. */
const QUIET_MS = 6_000;
const HIGH_LIMIT = 1_000_000;
const PROVIDER_KEY = `sk-bench-${randomBytes(12).toString("hex")}`;
const vaultSeed = (bench: Bench): VaultSeed => ({ masterKey: bench.masterKey, providerKey: PROVIDER_KEY });

const chat = (stream: boolean) =>
  JSON.stringify({ model: "gpt-4o-mini", messages: [{ role: "user", content: "Say hello to the benchmark" }], max_tokens: 16, ...(stream ? { stream: true } : {}) });

/**
 * (a) the gateway with one of `keys` per connection or round, the caller's
 * provider key in X-Provider-Key; (v) the same on keys of VAULT_ONLY orgs,
 * without the header: the vault supplies the provider key; (b) the
 * passthrough baseline, (c) the upstream itself.
 */
export function targets(bench: Bench, stream = false) {
  const body = chat(stream);
  const json = { "content-type": "application/json" };
  const upstream = new URL(`${bench.openaiBaseUrl}/chat/completions`);
  return {
    gateway: (keys: SeededKey[]): Target => ({
      origin: bench.baseUrl,
      path: "/api/v1/chat/completions",
      headers: (i) => ({ ...json, authorization: `Bearer ${keys[i % keys.length]!.secret}`, "x-provider-key": PROVIDER_KEY }),
      body,
    }),
    vaulted: (keys: SeededKey[]): Target => ({
      origin: bench.baseUrl,
      path: "/api/v1/chat/completions",
      headers: (i) => ({ ...json, authorization: `Bearer ${keys[i % keys.length]!.secret}` }),
      body,
    }),
    passthrough: { origin: bench.baseUrl, path: "/api/internal/bench/passthrough", headers: () => ({ ...json, "x-provider-key": PROVIDER_KEY }), body } satisfies Target,
    direct: { origin: upstream.origin, path: upstream.pathname, headers: () => ({ ...json, authorization: `Bearer ${PROVIDER_KEY}` }), body } satisfies Target,
  };
}

const ok = (result: LoadResult) => result.statuses["200"] ?? 0;

/** Warm every route (JIT, connections, key and vault caches, Redis scripts) and learn the rates that size the runs. */
export async function warmUp(bench: Bench) {
  const { settings: s } = bench;
  const t = targets(bench);
  bench.progress(`warm-up: ${s.warmup} requests of (a), of (v), then of (b)`);
  const orgs = Math.ceil(s.warmup / PER_ORG_BUDGET);
  const gateway = await loadRun(t.gateway(await seedKeys(bench.db, "warm", orgs, HIGH_LIMIT)), s.connections, s.warmup);
  const vaulted = await loadRun(t.vaulted(await seedKeys(bench.db, "warmv", orgs, HIGH_LIMIT, vaultSeed(bench))), s.connections, s.warmup);
  if (ok(vaulted) === 0) throw new Error(`the vaulted gateway admitted nothing (${JSON.stringify(vaulted.statuses)}); see the server log`);
  const passthrough = await loadRun(t.passthrough, s.connections, s.warmup);
  return { gatewayRps: gateway.rps, vaultedRps: vaulted.rps, passthroughRps: passthrough.rps, admitted: ok(gateway) + ok(vaulted) };
}

const ORDERS = [
  ["a", "v", "b"],
  ["b", "a", "v"],
  ["v", "b", "a"],
] as const;

/**
 * Interleaved runs of (a), (v) and (b), about `seconds` each (sized from the
 * rate of the previous run of the same kind), the order rotating, with the
 * server's counters read around them: (b) touches neither the database nor
 * Redis, so the deltas are (a)'s and (v)'s, the usage batches their requests
 * caused included. Each (a) and (v) run has fresh keys, each in its own org,
 * enough to keep every org under its limit; each (v) org has its own vaulted
 * key, so every run opens its keys afresh.
 */
export async function loadRuns(bench: Bench, warm: { gatewayRps: number; vaultedRps: number; passthroughRps: number }) {
  const { settings: s } = bench;
  const t = targets(bench);
  const rate = { a: warm.gatewayRps, v: warm.vaultedRps, b: warm.passthroughRps };
  const runs: Record<"a" | "v" | "b", LoadResult[]> = { a: [], v: [], b: [] };
  let keysPerRun = 0;
  await sleep(QUIET_MS);
  const before = await bench.metrics();
  for (let i = 0; i < s.runs; i++) {
    for (const which of ORDERS[i % ORDERS.length]!) {
      bench.progress(`run ${i + 1}/${s.runs} (${which}): about ${s.seconds} s`);
      const amount = rate[which] * s.seconds;
      if (which === "b") runs.b.push(await loadRun(t.passthrough, s.connections, amount));
      else {
        const orgs = Math.max(1, Math.ceil((amount * 1.5) / PER_ORG_BUDGET));
        const keys = await seedKeys(bench.db, `run${i}${which}-`, orgs, HIGH_LIMIT, which === "v" ? vaultSeed(bench) : undefined);
        keysPerRun = Math.max(keysPerRun, keys.length);
        runs[which].push(await loadRun(which === "v" ? t.vaulted(keys) : t.gateway(keys), s.connections, amount));
      }
      rate[which] = runs[which].at(-1)!.rps;
    }
  }
  await sleep(QUIET_MS);
  const counters = delta(await bench.metrics(), before);
  return { ...runs, keysPerRun, counters, admitted: runs.a.reduce((n, r) => n + ok(r), 0) + runs.v.reduce((n, r) => n + ok(r), 0) };
}

export interface RoundStats {
  p50: number;
  p99: number;
}

const stats = (times: number[]): RoundStats => ({ p50: median(times), p99: percentile(times, 99) });

/**
 * Sequential rounds on one kept-alive connection per target, the order of
 * (a), (b), (c) rotating from round to round; each round starts with one
 * untimed request per target. Also the Redis round trips per request with no
 * concurrency (no two requests can share a pipeline).
 */
export async function sequentialRounds(bench: Bench) {
  const { settings: s } = bench;
  const t = targets(bench);
  bench.progress(`sequential: ${s.rounds} rounds of ${s.roundSize} requests each of (a), (b) and (c)`);
  const perRound = s.roundSize + 1;
  const keys = await seedKeys(bench.db, "seq", Math.ceil((s.rounds * perRound) / PER_ORG_BUDGET), HIGH_LIMIT);
  const gateway = t.gateway(keys);
  const plan = [
    { name: "a", target: gateway, client: sequentialClient(bench.baseUrl) },
    { name: "b", target: t.passthrough, client: sequentialClient(bench.baseUrl) },
    { name: "c", target: t.direct, client: sequentialClient(t.direct.origin) },
  ] as const;
  const rounds: Record<"a" | "b" | "c", RoundStats>[] = [];
  const before = await bench.metrics();
  for (let r = 0; r < s.rounds; r++) {
    const key = Math.floor((r * perRound) / PER_ORG_BUDGET);
    const round = {} as Record<"a" | "b" | "c", RoundStats>;
    for (const { target, client } of plan) await send(client, target, key);
    for (let i = 0; i < plan.length; i++) {
      const { name, target, client } = plan[(r + i) % plan.length]!;
      round[name] = stats(await timedRound(client, target, key, s.roundSize));
    }
    rounds.push(round);
  }
  const counters = delta(await bench.metrics(), before);
  await Promise.all(plan.map(({ client }) => client.close()));
  const summary = (name: "a" | "b" | "c"): RoundStats => ({ p50: median(rounds.map((r) => r[name].p50)), p99: median(rounds.map((r) => r[name].p99)) });
  return {
    a: summary("a"),
    b: summary("b"),
    c: summary("c"),
    rounds,
    redisRoundTripsPerRequest: counters.redisRoundTrips / counters.gatewayRequests,
    admitted: s.rounds * perRound,
  };
}

/**
 * A key limited to 1 request a minute: the first is admitted (and costs one
 * key load: the queries of a load are counted here), the second is denied by
 * the store, then `blocked` more are sent one after another.
 */
export async function blockedCaller(bench: Bench) {
  const { settings: s } = bench;
  bench.progress(`blocked caller: a key limited to 1 a minute, then ${s.blocked} sequential requests`);
  const target = targets(bench).gateway([await seedKey(bench.db, "blocked", 1)]);
  const client = sequentialClient(bench.baseUrl);
  await sleep(QUIET_MS);
  const m0 = await bench.metrics();
  const first = await send(client, target, 0);
  const m1 = await bench.metrics();
  const second = await send(client, target, 0);
  if (first.status !== 200 || second.status !== 429) throw new Error(`the limited key answered ${first.status}, ${second.status}; expected 200, 429`);
  const m2 = await bench.metrics();
  const statuses: Record<string, number> = {};
  for (let i = 0; i < s.blocked; i++) {
    const { status } = await send(client, target, 0);
    statuses[status] = (statuses[status] ?? 0) + 1;
  }
  const blocked = delta(await bench.metrics(), m2);
  await client.close();
  const load = delta(m1, m0);
  return {
    requests: s.blocked,
    redisRoundTrips: blocked.redisRoundTrips,
    dbQueries: blocked.dbQueries,
    statuses,
    queriesPerKeyLoad: load.apiKeyCacheMisses > 0 ? load.dbQueries / load.apiKeyCacheMisses : Number.NaN,
    admitted: 1,
  };
}

/** One streaming run each of (a) and (b), for information. */
export async function streaming(bench: Bench, warm: { gatewayRps: number; passthroughRps: number }) {
  const { settings: s } = bench;
  bench.progress(`streaming: about ${s.seconds} s each of (a) and (b)`);
  const t = targets(bench, true);
  const amount = warm.gatewayRps * s.seconds;
  const keys = await seedKeys(bench.db, "stream", Math.max(1, Math.ceil((amount * 1.5) / PER_ORG_BUDGET)), HIGH_LIMIT);
  const gateway = await loadRun(t.gateway(keys), s.connections, amount);
  const passthrough = await loadRun(t.passthrough, s.connections, warm.passthroughRps * s.seconds);
  return { gateway, passthrough, admitted: ok(gateway) };
}
