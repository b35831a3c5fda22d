// `npm run bench:gateway [-- --json --no-build --stream --seconds=10 --runs=3 --rounds=10 --profile=<dir>]`
//
// What the SDK gateway costs, in one run against the production build:
// (a) POST /api/v1/chat/completions through the whole pipeline with the
// caller's provider key, (v) the same with the provider key from the org's
// vault (VAULT_ONLY, no X-Provider-Key), (b) the
// passthrough baseline route of the same app (same upstream, same HTTP client,
// no checks), (c) the upstream called directly. Throughput and latency under
// load compare a and v with b (autocannon, interleaved runs, medians); the latency
// the gateway adds compares a with c (sequential keep-alive client, interleaved
// rounds). The server's counters give database queries and Redis round trips
// per request, for admitted and for blocked callers; after SIGTERM every
// admitted request must have its usage record. Targets are printed next to the
// figures; the exit code says only whether the run itself worked.
import { loadavg } from "node:os";
import { parseArgs } from "node:util";
import { median, readMetrics, type LoadResult } from "./load";
import { blockedCaller, loadRuns, sequentialRounds, streaming, warmUp, type Bench, type Settings } from "./phases";
import { summarise, table, type Figures, type LoadFigures } from "./report";
import { benchDatabase, ensureBuild, startServer, startUpstream, type Server } from "./setup";

const { values: args } = parseArgs({
  options: {
    json: { type: "boolean", default: false },
    "no-build": { type: "boolean", default: false },
    stream: { type: "boolean", default: false },
    profile: { type: "string" },
    connections: { type: "string", default: "50" },
    seconds: { type: "string", default: "10" },
    warmup: { type: "string", default: "3000" },
    runs: { type: "string", default: "3" },
    rounds: { type: "string", default: "10" },
    "round-size": { type: "string", default: "200" },
    blocked: { type: "string", default: "500" },
  },
});
const settings: Settings = {
  connections: Number(args.connections),
  seconds: Number(args.seconds),
  warmup: Number(args.warmup),
  runs: Math.max(3, Number(args.runs)),
  rounds: Number(args.rounds),
  roundSize: Number(args["round-size"]),
  blocked: Number(args.blocked),
};
for (const [name, value] of Object.entries(settings)) {
  if (!Number.isFinite(value) || value <= 0) throw new Error(`--${name} must be a positive number`);
}

const POSTGRES = "postgresql://postgres@127.0.0.1:5432/postgres";
const progress = (line: string) => process.stderr.write(`[bench] ${line}\n`);

const figuresOf = (runs: LoadResult[]): LoadFigures => ({
  runs,
  rps: median(runs.map((r) => r.rps)),
  p50: median(runs.map((r) => r.p50)),
  p99: median(runs.map((r) => r.p99)),
});

async function measure(bench: Bench) {
  const loadBefore = loadavg()[0]!;
  const warm = await warmUp(bench);
  const load = await loadRuns(bench, warm);
  const sequential = await sequentialRounds(bench);
  const blocked = await blockedCaller(bench);
  const stream = args.stream ? await streaming(bench, warm) : undefined;
  const figures: Omit<Figures, "usage"> = {
    settings: { ...settings, keysPerRun: load.keysPerRun, built: false, loadAverage: [loadBefore, loadavg()[0]!] },
    gateway: figuresOf(load.a),
    vaulted: figuresOf(load.v),
    passthrough: figuresOf(load.b),
    sequential,
    counters: {
      gatewayRequests: load.counters.gatewayRequests,
      dbQueries: load.counters.dbQueries,
      redisRoundTrips: load.counters.redisRoundTrips,
      keyLoads: load.counters.apiKeyCacheMisses,
      vaultLoads: load.counters.vaultCacheMisses,
      queriesPerKeyLoad: blocked.queriesPerKeyLoad,
    },
    blocked,
    stream,
  };
  const admitted = warm.admitted + load.admitted + sequential.admitted + blocked.admitted + (stream?.admitted ?? 0);
  return { figures, admitted, refused: 1 + blocked.requests };
}

async function main(): Promise<void> {
  const built = ensureBuild(args["no-build"], progress);
  progress("creating and migrating a fresh database");
  const database = await benchDatabase(POSTGRES);
  let upstream: Awaited<ReturnType<typeof startUpstream>> | undefined;
  let server: Server | undefined;
  try {
    upstream = await startUpstream();
    server = await startServer(database.url, upstream.openaiBaseUrl, args.profile);
    progress(`next start on ${server.baseUrl}, upstream on ${upstream.openaiBaseUrl} (server log: ${server.logFile})`);
    const { baseUrl, cronSecret } = server;
    const bench: Bench = { db: database.db, baseUrl, openaiBaseUrl: upstream.openaiBaseUrl, masterKey: server.masterKey, settings, metrics: () => readMetrics(baseUrl, cronSecret), progress };
    const { figures, admitted, refused } = await measure(bench);
    const final = await bench.metrics();
    progress("stopping the server (SIGTERM) and counting usage records");
    const serverExit = await server.stop();
    const usage: Figures["usage"] = {
      admitted,
      stored: await database.db.usageRecord.count(),
      gatewayRequests: final.gatewayRequests,
      refused,
      writtenBeforeShutdown: final.usageRecordsWritten,
      dropped: final.usageRecordsDropped,
      serverExit,
    };
    const all: Figures = { ...figures, settings: { ...figures.settings, built }, usage };
    const summary = summarise(all);
    process.stdout.write(`${table(all, summary)}\n`);
    if (args.json) process.stdout.write(`${JSON.stringify({ ...summary, raw: all })}\n`);
  } finally {
    await server?.stop();
    await upstream?.stop();
    await database.drop();
  }
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(`[bench] ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
    process.exit(1);
  },
);
