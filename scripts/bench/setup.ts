// The gateway benchmark's surroundings: a production build, a database of its
// own, keys seeded straight into it, the stand-in upstream in a process of its
// own, and `next start` configured as in production.
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { randomBytes, randomUUID } from "node:crypto";
import { createWriteStream, existsSync, readdirSync, statSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { createInterface } from "node:readline";
import { PrismaPg } from "@prisma/adapter-pg";
import { issueSecret } from "../../lib/api-keys/format";
import { fingerprintOf, last4Of, seal } from "../../lib/vault/envelope";
import { PrismaClient } from "../../lib/db/generated/client";
import { applyMigrations, createDatabase, dropDatabase, uniqueDatabaseName, withDatabase } from "../../lib/db/migrate";

const NEXT = path.resolve("node_modules/next/dist/bin/next");
/** What a production build is made from: a change to any of it makes `.next` stale. */
const SOURCES = ["app", "lib", "components", "public", "proxy.ts", "instrumentation.ts", "next.config.js", "package.json", "package-lock.json", "tsconfig.json", "postcss.config.mjs"];

function newestMtime(entry: string): number {
  if (!existsSync(entry)) return 0;
  const stat = statSync(entry);
  if (!stat.isDirectory()) return stat.mtimeMs;
  let newest = stat.mtimeMs;
  for (const name of readdirSync(entry)) if (name !== "node_modules") newest = Math.max(newest, newestMtime(path.join(entry, name)));
  return newest;
}

/** Builds with `next build` when `.next` has no production build or is older than a source; true when it built. */
export function ensureBuild(skip: boolean, log: (line: string) => void): boolean {
  const buildId = path.resolve(".next/BUILD_ID");
  if (skip) {
    if (!existsSync(buildId)) throw new Error("--no-build, but .next holds no production build: run `npm run build` first");
    return false;
  }
  if (existsSync(buildId) && statSync(buildId).mtimeMs >= Math.max(...SOURCES.map(newestMtime))) return false;
  log("building the production app (next build)…");
  const build = spawnSync(process.execPath, [NEXT, "build"], { stdio: ["ignore", "inherit", "inherit"], env: { ...process.env, NODE_ENV: "production", NEXT_TELEMETRY_DISABLED: "1" } });
  if (build.status !== 0) throw new Error(`next build failed with status ${build.status}`);
  return true;
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer().listen(0, "127.0.0.1", () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
    server.on("error", reject);
  });
}

export interface BenchDatabase {
  url: string;
  db: InstanceType<typeof PrismaClient>;
  drop(): Promise<void>;
}

/** A fresh, migrated database on `serverUrl`, uniquely named; `drop` removes it. */
export async function benchDatabase(serverUrl: string): Promise<BenchDatabase> {
  const name = uniqueDatabaseName("gatehouse_bench");
  await createDatabase(serverUrl, name);
  const url = withDatabase(serverUrl, name);
  try {
    await applyMigrations(url);
  } catch (error) {
    await dropDatabase(serverUrl, name);
    throw error;
  }
  const db = new PrismaClient({ adapter: new PrismaPg({ connectionString: url, max: 2 }) });
  return {
    url,
    db,
    async drop() {
      await db.$disconnect().catch(() => {});
      await dropDatabase(serverUrl, name);
    },
  };
}

export interface SeededKey {
  orgId: string;
  keyId: string;
  secret: string;
}

/** A provider key to store in each seeded org's vault, sealed under the server's master key. */
export interface VaultSeed {
  masterKey: string;
  providerKey: string;
}

/** The org's OpenAI key in its vault, sealed as the app seals it (MASTER_KEY under the default id v1). */
async function seedVaultedKey(db: BenchDatabase["db"], orgId: string, vault: VaultSeed): Promise<void> {
  const id = randomUUID();
  const ring = { activeId: "v1", keys: new Map([["v1", Buffer.from(vault.masterKey, "base64")]]) };
  const binding = { orgId, credentialId: id, projectId: null, provider: "openai", fingerprint: fingerprintOf(vault.providerKey), last4: last4Of(vault.providerKey) };
  const sealed = seal(ring, binding, vault.providerKey);
  await db.providerCredential.create({
    data: {
      id,
      orgId,
      provider: "openai",
      label: "Bench",
      fingerprint: binding.fingerprint,
      last4: binding.last4,
      formatVersion: sealed.formatVersion,
      kekId: sealed.kekId,
      wrappedDek: new Uint8Array(sealed.wrappedDek),
      ciphertext: new Uint8Array(sealed.ciphertext),
      liveScope: `${orgId}:org:openai`,
    },
  });
}

/**
 * An org with its settings, one project and one API key with the chat scope,
 * written directly; with `vault`, the org's key mode is VAULT_ONLY and its
 * OpenAI key is in the vault.
 */
export async function seedKey(db: BenchDatabase["db"], label: string, rateLimit: number, vault?: VaultSeed): Promise<SeededKey> {
  const suffix = randomBytes(4).toString("hex");
  const org = await db.org.create({
    data: { name: `Bench ${label} ${suffix}`, slug: `bench-${label}-${suffix}`, settings: { create: vault ? { providerKeyMode: "VAULT_ONLY" } : {} } },
  });
  if (vault) await seedVaultedKey(db, org.id, vault);
  const project = await db.project.create({ data: { orgId: org.id, name: "Bench", settings: { create: {} } } });
  const issued = issueSecret();
  const key = await db.apiKey.create({
    data: {
      orgId: org.id,
      projectId: project.id,
      name: `Bench ${label}`,
      prefix: issued.prefix,
      last4: issued.last4,
      scopes: ["chat", "models"],
      rateLimit,
      secrets: { create: { hash: issued.hash, prefix: issued.prefix, last4: issued.last4 } },
    },
  });
  return { orgId: org.id, keyId: key.id, secret: issued.secret };
}

export async function seedKeys(db: BenchDatabase["db"], label: string, count: number, rateLimit: number, vault?: VaultSeed): Promise<SeededKey[]> {
  const keys: SeededKey[] = [];
  for (let i = 0; i < count; i++) keys.push(await seedKey(db, `${label}${i}`, rateLimit, vault));
  return keys;
}

export interface Child {
  process: ChildProcess;
  /** SIGTERM, then SIGKILL after `graceMs`; resolves with the exit code (null when killed). */
  stop(graceMs?: number): Promise<number | null>;
}

function child(processHandle: ChildProcess): Child {
  const exited = new Promise<number | null>((resolve) => processHandle.once("exit", (code) => resolve(code)));
  return {
    process: processHandle,
    async stop(graceMs = 15_000) {
      if (processHandle.exitCode !== null || processHandle.signalCode !== null) return processHandle.exitCode;
      processHandle.kill("SIGTERM");
      const timer = setTimeout(() => processHandle.kill("SIGKILL"), graceMs);
      const code = await exited;
      clearTimeout(timer);
      return code;
    },
  };
}

/** The stand-in upstream (tests/support/upstream-server.ts) in its own process: the load generator must not share its event loop. */
export async function startUpstream(): Promise<Child & { openaiBaseUrl: string }> {
  const proc = spawn(process.execPath, ["--import", "tsx", path.resolve(import.meta.dirname, "upstream.ts")], { stdio: ["ignore", "pipe", "inherit"] });
  const line = await new Promise<string>((resolve, reject) => {
    const lines = createInterface({ input: proc.stdout! });
    lines.once("line", resolve);
    proc.once("exit", (code) => reject(new Error(`upstream server exited with ${code}`)));
  });
  const { openaiBaseUrl } = JSON.parse(line) as { openaiBaseUrl: string };
  return { ...child(proc), openaiBaseUrl };
}

export interface Server extends Child {
  baseUrl: string;
  cronSecret: string;
  /** The server's MASTER_KEY (id v1), so the bench can seal vaulted keys it can open. */
  masterKey: string;
  logFile: string;
}

/**
 * `next start` on a free port with the production environment the gateway
 * needs, once /api/health answers. With `profileDir`, the server writes a V8
 * CPU profile there when it exits.
 */
export async function startServer(databaseUrl: string, openaiBaseUrl: string, profileDir?: string): Promise<Server> {
  const port = await freePort();
  const baseUrl = `http://127.0.0.1:${port}`;
  const cronSecret = randomBytes(24).toString("base64url");
  const masterKey = randomBytes(32).toString("base64");
  const { UPSTASH_REDIS_REST_URL: _url, UPSTASH_REDIS_REST_TOKEN: _token, ...inherited } = process.env;
  const env = {
    ...inherited,
    NODE_ENV: "production" as const,
    NEXT_TELEMETRY_DISABLED: "1",
    DATABASE_URL: databaseUrl,
    NEXTAUTH_URL: baseUrl,
    NEXTAUTH_SECRET: randomBytes(32).toString("base64url"),
    CRON_SECRET: cronSecret,
    MASTER_KEY: masterKey,
    MASTER_KEY_ID: "v1",
    REDIS_URL: "redis://127.0.0.1:6379",
    OPENAI_BASE_URL: openaiBaseUrl,
    GATEWAY_ALLOW_PRIVATE_UPSTREAMS: "true",
    GATEHOUSE_BENCH: "1",
    // One org carries a whole phase: its limit must not be what the benchmark measures.
    RATE_LIMIT_ORG_PER_MINUTE: "10000000",
    LOG_LEVEL: "warn",
  };
  const logFile = path.join(tmpdir(), `gatehouse-bench-${process.pid}.log`);
  const log = createWriteStream(logFile);
  const profile = profileDir ? ["--cpu-prof", `--cpu-prof-dir=${path.resolve(profileDir)}`] : [];
  const proc = spawn(process.execPath, [...profile, NEXT, "start", "-p", String(port), "-H", "127.0.0.1"], { env, stdio: ["ignore", "pipe", "pipe"] });
  proc.stdout?.pipe(log);
  proc.stderr?.pipe(log);
  const server = { ...child(proc), baseUrl, cronSecret, masterKey, logFile };
  for (let i = 0; i < 120; i++) {
    if (proc.exitCode !== null) throw new Error(`next start exited with ${proc.exitCode}; see ${logFile}`);
    try {
      if ((await fetch(`${baseUrl}/api/health`)).ok) return server;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 500));
  }
  await server.stop();
  throw new Error(`next start did not become healthy in 60 s; see ${logFile}`);
}
