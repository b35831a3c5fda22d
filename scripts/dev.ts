// `npm run dev`: the console on http://localhost:3000. Without DATABASE_URL it
// serves an embedded PostgreSQL (PGlite) from .data/pglite, migrates and seeds
// it, prints the demo owner's credentials and runs `next dev` against it.
import { spawn } from "node:child_process";
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { startEmbeddedPostgres, type EmbeddedPostgres } from "../lib/db/embedded";
import { applyMigrations } from "../lib/db/migrate";

const DATA = path.resolve(".data");
const CREDENTIALS = path.join(DATA, "demo-owner.json");
const PORT = process.env.PORT ?? "3000";

async function main() {
  let embedded: EmbeddedPostgres | undefined;
  if (!process.env.DATABASE_URL) {
    mkdirSync(DATA, { recursive: true });
    embedded = await startEmbeddedPostgres({ dataDir: path.join(DATA, "pglite"), port: Number(process.env.EMBEDDED_DB_PORT ?? 0) });
    process.env.DATABASE_URL = embedded.connectionString;
    // Tells the server it runs on the embedded database: it then runs retention on a timer itself.
    process.env.GATEHOUSE_EMBEDDED = "1";
    console.log(`[gatehouse] embedded PostgreSQL (PGlite) from .data/pglite on ${embedded.connectionString}`);
  }
  const { applied } = await applyMigrations(process.env.DATABASE_URL!);
  for (const name of applied) console.log(`[gatehouse] applied migration ${name}`);

  // Imported only now: the database client reads DATABASE_URL on first use.
  const { seedDemo } = await import("../lib/db/seed");
  const created = await seedDemo();
  if (created) {
    writeFileSync(CREDENTIALS, JSON.stringify(created, null, 2), { mode: 0o600 });
    chmodSync(CREDENTIALS, 0o600);
  }
  const demo = created ?? (existsSync(CREDENTIALS) ? JSON.parse(readFileSync(CREDENTIALS, "utf8")) : null);
  if (demo) {
    console.log(`\n  Demo org:   http://localhost:${PORT}/${demo.orgSlug}\n  Sign in as: ${demo.email}\n  Password:   ${demo.password}\n  (kept in .data/demo-owner.json; local development only)\n  The first sign-in sets up two-factor authentication: owners need it by default.\n`);
  }

  const next = spawn(process.execPath, [path.resolve("node_modules/next/dist/bin/next"), "dev", "-p", PORT], {
    stdio: "inherit",
    env: { ...process.env, NEXT_TELEMETRY_DISABLED: "1", NEXTAUTH_URL: process.env.NEXTAUTH_URL ?? `http://localhost:${PORT}` },
  });
  const stop = async (code: number) => {
    next.kill("SIGTERM");
    await embedded?.stop();
    process.exit(code);
  };
  process.on("SIGINT", () => void stop(0));
  process.on("SIGTERM", () => void stop(0));
  next.on("exit", (code) => void stop(code ?? 0));
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
