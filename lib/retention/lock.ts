import "server-only";
import pg from "pg";
import { env } from "@/lib/env";
import { log } from "@/lib/log";

/**
 * One retention run at a time. Two guards:
 *
 * - A session-level PostgreSQL advisory lock (`pg_try_advisory_lock`) held on a
 *   connection of its own for the whole run: a second instance, or a cron call
 *   that overlaps the previous one, gets `false` at once and skips. The lock
 *   goes when the connection does, so a crashed run never leaves it behind.
 * - A flag on `globalThis` for this process. The embedded database (PGlite) is
 *   a single backend that every connection shares, so there an advisory lock
 *   taken on one connection is also held by all the others and excludes
 *   nobody; one process owns the embedded database, and the flag covers it.
 */
export const RETENTION_LOCK_KEY = "gatehouse:retention";

const globalForLock = globalThis as unknown as { gatehouseRetentionRunning?: boolean };

export interface RetentionLock {
  release(): Promise<void>;
}

/** The lock, or null when another run holds it. */
export async function tryRetentionLock(): Promise<RetentionLock | null> {
  if (globalForLock.gatehouseRetentionRunning) return null;
  globalForLock.gatehouseRetentionRunning = true;
  const client = new pg.Client({ connectionString: env().DATABASE_URL });
  let connected = false;
  try {
    // An idle connection dropped by the server must not take the process down; the run notices on its next batch.
    client.on("error", (error) => log.warn("retention lock connection error", { error: error.message }));
    await client.connect();
    connected = true;
    const { rows } = await client.query<{ locked: boolean }>("SELECT pg_try_advisory_lock(hashtextextended($1, 0)) AS locked", [RETENTION_LOCK_KEY]);
    if (!rows[0]?.locked) {
      await client.end();
      globalForLock.gatehouseRetentionRunning = false;
      return null;
    }
  } catch (error) {
    if (connected) await client.end().catch(() => {});
    globalForLock.gatehouseRetentionRunning = false;
    throw error;
  }
  let released = false;
  return {
    async release() {
      if (released) return;
      released = true;
      try {
        await client.query("SELECT pg_advisory_unlock(hashtextextended($1, 0))", [RETENTION_LOCK_KEY]);
      } catch (error) {
        log.warn("retention lock release failed; it goes with the connection", { error: (error as Error).message });
      } finally {
        await client.end().catch(() => {});
        globalForLock.gatehouseRetentionRunning = false;
      }
    },
  };
}
