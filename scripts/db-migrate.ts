// `npm run db:migrate`: applies prisma/migrations to DATABASE_URL or, when it
// is unset, to the embedded database under .data/pglite (started for the run).
import path from "node:path";
import { startEmbeddedPostgres } from "../lib/db/embedded";
import { applyMigrations } from "../lib/db/migrate";

async function main(): Promise<void> {
  const url = process.env.DATABASE_URL;
  if (url) {
    console.log(`Migrating DATABASE_URL (${redact(url)})`);
    report(await applyMigrations(url));
    return;
  }
  const dataDir = path.resolve(".data", "pglite");
  console.log(`DATABASE_URL is not set: migrating the embedded database in ${dataDir}`);
  const embedded = await startEmbeddedPostgres({ dataDir });
  try {
    report(await applyMigrations(embedded.connectionString));
  } finally {
    await embedded.stop();
  }
}

function report({ applied }: { applied: string[] }): void {
  if (applied.length === 0) console.log("Already up to date: no migration to apply.");
  for (const name of applied) console.log(`Applied ${name}`);
}

/** The URL without its password, for logs. */
function redact(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = "***";
    return parsed.toString();
  } catch {
    return "<unparseable URL>";
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
