// `npm run test:e2e`: builds the app, starts `next start` (the production path)
// on a fresh database of its own, and runs the Playwright suite in the system
// Chromium against it. Server output is kept in test-results/server.log.
// Afterwards every provider-key plaintext of the run is looked for in the
// whole database, the server log and every response the suite recorded.
import { spawn, spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { createWriteStream, mkdirSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import path from "node:path";
import { startEmbeddedPostgres } from "../lib/db/embedded";
import { applyMigrations, createDatabase, dropDatabase, uniqueDatabaseName, withDatabase } from "../lib/db/migrate";
import { startUpstreamServer } from "../tests/support/upstream-server";
import { startDnsServer } from "../tests/support/dns-server";
import { scanForPlaintexts } from "./e2e-plaintext-scan";
// @ts-expect-error plain ESM helper without types
import { ensureChromium } from "./chromium.mjs";

const NEXT = path.resolve("node_modules/next/dist/bin/next");
const PLAYWRIGHT = path.resolve("node_modules/@playwright/test/cli.js");

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer().listen(0, "127.0.0.1", () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
    server.on("error", reject);
  });
}

async function database(): Promise<{ url: string; dispose: () => Promise<void> }> {
  const server = process.env.TEST_DATABASE_URL || process.env.DATABASE_URL;
  if (server) {
    const name = uniqueDatabaseName("gatehouse_e2e");
    await createDatabase(server, name);
    return { url: withDatabase(server, name), dispose: () => dropDatabase(server, name) };
  }
  const embedded = await startEmbeddedPostgres();
  return { url: embedded.connectionString, dispose: embedded.stop };
}

async function waitForHealth(url: string, server: ReturnType<typeof spawn>) {
  for (let i = 0; i < 120; i++) {
    if (server.exitCode !== null) throw new Error(`next start exited with ${server.exitCode}; see test-results/server.log`);
    try {
      if ((await fetch(`${url}/api/health`)).ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 500));
  }
  throw new Error("next start did not become healthy in 60 s");
}

async function main() {
  const chromium = ensureChromium();
  if (process.env.E2E_SKIP_BUILD !== "1") {
    const build = spawnSync(process.execPath, [NEXT, "build"], { stdio: "inherit", env: { ...process.env, NEXT_TELEMETRY_DISABLED: "1" } });
    if (build.status !== 0) process.exit(build.status ?? 1);
  }
  const db = await database();
  // The LLM providers, played by a local server speaking their HTTP protocols; it accepts one provider key.
  const providerKey = `sk-e2e-${randomBytes(18).toString("hex")}`;
  // Well-formed provider keys the upstream refuses, for tests that need a wrong or a caller's own key.
  const spareKeys = [1, 2].map(() => `sk-e2e-spare-${randomBytes(18).toString("hex")}`);
  const upstream = await startUpstreamServer({ openaiKey: providerKey, anthropicKey: providerKey });
  // DNS for verifying domains: a spec publishes a TXT record by writing a file in this folder.
  const dnsDir = path.resolve("test-results/dns");
  rmSync(dnsDir, { recursive: true, force: true });
  mkdirSync(dnsDir, { recursive: true });
  const dns = await startDnsServer(dnsDir);
  let server: ReturnType<typeof spawn> | undefined;
  let status = 1;
  try {
    await applyMigrations(db.url);
    const port = await freePort();
    const baseUrl = `http://127.0.0.1:${port}`;
    const env = {
      ...process.env,
      NODE_ENV: "production" as const,
      NEXT_TELEMETRY_DISABLED: "1",
      DATABASE_URL: db.url,
      NEXTAUTH_URL: baseUrl,
      NEXTAUTH_SECRET: randomBytes(32).toString("base64url"),
      CRON_SECRET: randomBytes(24).toString("base64url"),
      MASTER_KEY: randomBytes(32).toString("base64"),
      LOG_LEVEL: "info",
      OPENAI_BASE_URL: upstream.openaiBaseUrl,
      ANTHROPIC_BASE_URL: upstream.anthropicBaseUrl,
      GATEWAY_ALLOW_PRIVATE_UPSTREAMS: "true",
      // Every spec signs its people up from 127.0.0.1: more than the default 10 an hour.
      RATE_LIMIT_SIGNUP_PER_HOUR: "1000",
      // The SSO tests' identity providers run on loopback (tests/support/oidc-idp.ts).
      SSO_ALLOW_PRIVATE_ISSUERS: "true",
      DNS_SERVERS: dns.address,
    };
    mkdirSync("test-results", { recursive: true });
    // Response bodies the specs record, for the plaintext scan below.
    const responses = path.resolve("test-results/responses");
    rmSync(responses, { recursive: true, force: true });
    mkdirSync(responses, { recursive: true });
    const log = createWriteStream("test-results/server.log");
    server = spawn(process.execPath, [NEXT, "start", "-p", String(port), "-H", "127.0.0.1"], { env, stdio: ["ignore", "pipe", "pipe"] });
    // Ended below once the server has exited, so the scan reads the whole log.
    server.stdout?.pipe(log, { end: false });
    server.stderr?.pipe(log, { end: false });
    await waitForHealth(baseUrl, server);
    // Asynchronously: the embedded database is served from this process's event loop.
    const run = spawn(process.execPath, [PLAYWRIGHT, "test", ...process.argv.slice(2)], {
      stdio: "inherit",
      env: {
        ...env,
        NODE_ENV: "test",
        E2E_BASE_URL: baseUrl,
        CHROMIUM_PATH: chromium,
        E2E_SERVER_LOG: path.resolve("test-results/server.log"),
        E2E_PROVIDER_KEY: providerKey,
        E2E_SPARE_PROVIDER_KEYS: spareKeys.join(","),
        E2E_RESPONSES_DIR: responses,
        E2E_DNS_DIR: dnsDir,
      },
    });
    status = await new Promise<number>((resolve) => run.on("exit", (code) => resolve(code ?? 1)));

    const exited = server.exitCode !== null ? Promise.resolve() : new Promise((resolve) => server!.once("exit", resolve));
    server.kill("SIGTERM");
    await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 15_000))]);
    await new Promise((resolve) => log.end(resolve));
    const scan = await scanForPlaintexts({
      databaseUrl: db.url,
      paths: ["test-results/server.log", responses, "test-results/playwright", "test-results/e2e.json"],
      secrets: [providerKey, ...spareKeys],
    });
    const found = scan.findings.reduce((n, finding) => n + finding.count, 0);
    console.log(
      `Plaintext scan: ${found} occurrences of ${1 + spareKeys.length} provider keys (as text, hex and base64) in ${scan.columns} columns of ${scan.tables} tables and ${scan.files} files (${scan.bytes} bytes: server log, recorded responses, traces, report)`,
    );
    for (const finding of scan.findings) console.error(`  provider key #${finding.secret} as ${finding.encoding} in ${finding.where} (${finding.count}×)`);
    if (found > 0) status = 1;
  } finally {
    server?.kill("SIGTERM");
    await upstream.close().catch(() => {});
    await dns.close().catch(() => {});
    await db.dispose().catch(() => {});
  }
  process.exit(status);
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
