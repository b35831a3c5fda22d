import { randomBytes } from "node:crypto";
import type { TestProject } from "vitest/node";
import { startEmbeddedPostgres } from "../../lib/db/embedded";
import {
  applyMigrations,
  createDatabase,
  dropDatabase,
  isPglite,
  uniqueDatabaseName,
  withDatabase,
} from "../../lib/db/migrate";

/**
 * Vitest global setup (runs once, in the main process): a migrated database of
 * the test run's own, plus test secrets, so that tests never touch `.data/`.
 *
 * - With TEST_DATABASE_URL or DATABASE_URL (a server URL): a new database
 *   `gatehouse_test_<pid>_<random>` on that server, dropped at the end. Several
 *   runs can share a server.
 * - Otherwise (or when that server is PGlite, which has a single database): an
 *   in-memory embedded PGlite on a random port, stopped at the end.
 *
 * The values reach the test workers through `provide` (applied to process.env
 * by setup.ts), and are also set in this process's environment.
 */
declare module "vitest" {
  export interface ProvidedContext {
    testEnv: Record<string, string>;
  }
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const testEnv: Record<string, string> = {
    NODE_ENV: "test",
    NEXTAUTH_SECRET: process.env.NEXTAUTH_SECRET || randomBytes(32).toString("base64url"),
    CRON_SECRET: process.env.CRON_SECRET || randomBytes(24).toString("base64url"),
  };
  // A key ring given as MASTER_KEYS is left alone; otherwise one random key.
  if (!process.env.MASTER_KEYS) testEnv.MASTER_KEY = process.env.MASTER_KEY || randomBytes(32).toString("base64");

  const database = await testDatabase();
  try {
    await applyMigrations(database.url);
  } catch (error) {
    await database.dispose();
    throw error;
  }
  testEnv.DATABASE_URL = database.url;

  // Object.assign: Next's types declare process.env.NODE_ENV read-only.
  Object.assign(process.env, testEnv);
  project.provide("testEnv", testEnv);
  return database.dispose;
}

interface TestDatabase {
  url: string;
  dispose(): Promise<void>;
}

async function testDatabase(): Promise<TestDatabase> {
  const serverUrl = process.env.TEST_DATABASE_URL || process.env.DATABASE_URL;
  if (serverUrl && !(await isPglite(serverUrl))) {
    const name = uniqueDatabaseName("gatehouse_test");
    await createDatabase(serverUrl, name);
    return { url: withDatabase(serverUrl, name), dispose: () => dropDatabase(serverUrl, name) };
  }
  if (serverUrl) {
    console.warn("[tests] the database server is PGlite (a single database): using an in-memory PGlite instead");
  }
  const embedded = await startEmbeddedPostgres();
  return { url: embedded.connectionString, dispose: () => embedded.stop() };
}
