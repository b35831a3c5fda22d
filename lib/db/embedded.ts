import { closeSync, mkdirSync, openSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { PGlite } from "@electric-sql/pglite";
import { PGLiteSocketServer } from "@electric-sql/pglite-socket";

/**
 * Embedded PostgreSQL: PGlite (PostgreSQL compiled to WebAssembly, in this
 * process) served over the PostgreSQL wire protocol on 127.0.0.1 by
 * pglite-socket, so that `pg`, Prisma's `@prisma/adapter-pg` and the schema
 * engine reach it exactly as they reach a real server.
 *
 * PGlite is a single PostgreSQL backend. pglite-socket multiplexes many client
 * connections onto it through one queue. Verified behaviour (pglite-socket
 * 0.2.17, PGlite 0.5.14):
 *
 * - A `pg.Pool` with several connections works; concurrent queries (including
 *   failing ones and large parameters) return the right rows.
 * - Transactions are serialised globally: while one connection is inside
 *   BEGIN ... COMMIT/ROLLBACK, queries from every other connection wait in the
 *   queue until it ends. Concurrent transactions on two connections therefore
 *   succeed (one after the other), but code that, inside an open transaction,
 *   awaits a query on another connection (for example a Prisma `$transaction`
 *   callback that uses `db` instead of `tx`) waits forever: there is no
 *   timeout. A `max: 1` pool would not help (it would wait for the pool
 *   slot instead), so the rule is: inside a transaction, use only the
 *   transaction's client.
 * - Session state is shared by all connections: a session-level `SET` on one
 *   connection is seen by the others. Use `SET LOCAL` (transaction-scoped)
 *   only.
 * - The database name in the connection string is ignored (there is a
 *   single database, "postgres"); `CREATE DATABASE` succeeds but connecting to
 *   the new database still lands in "postgres".
 * - A client that disconnects in the middle of a transaction has it rolled back.
 *
 * A data directory may be opened by one process at a time: a lock file next to
 * it (`<dataDir>.lock`, holding the owner's pid) refuses a second opener.
 */
export interface EmbeddedPostgres {
  connectionString: string;
  port: number;
  stop(): Promise<void>;
}

export interface EmbeddedPostgresOptions {
  /** Where the database files live; undefined keeps everything in memory. */
  dataDir?: string;
  /** TCP port on 127.0.0.1; 0 (the default) picks a free one. */
  port?: number;
  /** Concurrent client connections accepted (further ones are refused). */
  maxConnections?: number;
}

export async function startEmbeddedPostgres(options: EmbeddedPostgresOptions = {}): Promise<EmbeddedPostgres> {
  const dataDir = options.dataDir ? path.resolve(options.dataDir) : undefined;
  const releaseLock = dataDir ? lockDataDir(dataDir) : () => {};
  let db: PGlite | undefined;
  let server: PGLiteSocketServer | undefined;
  try {
    db = await PGlite.create(dataDir);
    server = new PGLiteSocketServer({
      db,
      host: "127.0.0.1",
      port: options.port ?? 0,
      maxConnections: options.maxConnections ?? 100,
    });
    await server.start();
  } catch (error) {
    await db?.close().catch(() => {});
    releaseLock();
    throw error;
  }

  // getServerConn() is "127.0.0.1:<port>", with the port the OS picked for 0.
  const port = Number(server.getServerConn().split(":").pop());
  const running = { db, server };
  let stopping: Promise<void> | undefined;
  return {
    port,
    connectionString: `postgresql://postgres@127.0.0.1:${port}/postgres`,
    stop() {
      stopping ??= (async () => {
        await running.server.stop();
        // stop() detaches the connections without waiting for them; a
        // connection that was inside a transaction rolls it back on detach.
        // Let that happen before the database closes.
        await new Promise((resolve) => setTimeout(resolve, 10));
        await running.db.close();
        releaseLock();
      })();
      return stopping;
    },
  };
}

/** Takes `<dataDir>.lock` for this process; returns the release function. */
function lockDataDir(dataDir: string): () => void {
  mkdirSync(path.dirname(dataDir), { recursive: true });
  const lockFile = `${dataDir}.lock`;
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fd = openSync(lockFile, "wx", 0o600);
      writeFileSync(fd, String(process.pid));
      closeSync(fd);
      return () => rmSync(lockFile, { force: true });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
      const owner = Number(readFileSync(lockFile, "utf8").trim());
      if (owner && isAlive(owner)) {
        throw new Error(
          `The embedded database ${dataDir} is in use by process ${owner}. ` +
            `Stop it first (or delete ${lockFile} if that process is not Gatehouse).`,
        );
      }
      rmSync(lockFile, { force: true }); // stale: its owner has exited
    }
  }
  throw new Error(`Could not lock ${dataDir}`);
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}
