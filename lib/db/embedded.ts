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
 * PGlite is a single PostgreSQL backend; pglite-socket multiplexes client
 * connections onto it through one queue of protocol messages. Its own queue
 * (pglite-socket 0.2.17) keeps a transaction to its connection, but not an
 * extended-protocol exchange (Parse, Bind, Describe, Execute ... Sync): under
 * concurrent load another connection's Parse lands between one connection's
 * Parse and Bind ("bind message supplies 2 parameters, but prepared statement
 * "" requires 5"), and with transactions in the mix connections hang. We
 * replace that queue with `SessionQueue` below, which gives the backend to one
 * connection from its first extended-protocol message to its Sync, and for
 * the whole of a transaction. With it (PGlite 0.5.14), verified:
 *
 * - A `pg.Pool` with several connections works; concurrent queries with
 *   different statements, failing queries and concurrent transactions on
 *   several connections all return the right results.
 * - Transactions are serialised globally: while one connection is inside
 *   BEGIN ... COMMIT/ROLLBACK, every other connection waits. Code that, inside
 *   an open transaction, awaits a query on another connection (for example a
 *   Prisma `$transaction` callback that uses `db` instead of `tx`) therefore
 *   waits forever: there is no timeout. A `max: 1` pool would not help (it
 *   would wait for the pool slot instead): inside a transaction, use only the
 *   transaction's client.
 * - Session state is shared by all connections: a session-level `SET` on one
 *   connection is seen by the others. Use `SET LOCAL` (transaction-scoped)
 *   only. Named prepared statements are shared too (adapter-pg and pg use the
 *   unnamed one unless told otherwise). COPY ... FROM STDIN is not covered.
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
    installSessionQueue(server, db);
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

// ---------------------------------------------------------------------------
// The queue

/** The queue interface pglite-socket's connection handlers call. */
interface MessageQueue {
  enqueue(handlerId: number, message: Uint8Array, onData: (data: Uint8Array) => void): Promise<number>;
  getQueueLength(): number;
  clearQueueForHandler(handlerId: number): void;
  clearTransactionIfNeeded(handlerId: number): Promise<void>;
}

interface Pending {
  handlerId: number;
  message: Uint8Array;
  onData: (data: Uint8Array) => void;
  resolve: (bytes: number) => void;
  reject: (error: Error) => void;
}

/** Frontend messages that open or continue an extended-protocol exchange. */
const EXTENDED = new Set(["P", "B", "D", "E", "C", "H"].map((type) => type.charCodeAt(0)));
const SYNC = "S".charCodeAt(0);
const QUERY = "Q".charCodeAt(0);

/**
 * Runs one message at a time, FIFO, except that a connection holding the
 * backend (mid extended-protocol exchange, or inside a transaction) is served
 * alone until it lets go.
 */
class SessionQueue implements MessageQueue {
  private queue: Pending[] = [];
  private draining = false;
  private exchange: number | null = null; // handler between its first extended message and Sync
  private last: number | null = null; // handler whose message ran last

  constructor(private readonly db: PGlite) {}

  enqueue(handlerId: number, message: Uint8Array, onData: (data: Uint8Array) => void): Promise<number> {
    return new Promise((resolve, reject) => {
      this.queue.push({ handlerId, message, onData, resolve, reject });
      void this.drain();
    });
  }

  getQueueLength(): number {
    return this.queue.length;
  }

  clearQueueForHandler(handlerId: number): void {
    for (const item of this.queue.filter((pending) => pending.handlerId === handlerId)) {
      item.reject(new Error("Handler disconnected"));
    }
    this.queue = this.queue.filter((pending) => pending.handlerId !== handlerId);
  }

  /** A connection went away: end what it left open, then serve the others. */
  async clearTransactionIfNeeded(handlerId: number): Promise<void> {
    if (this.owner() !== handlerId) return;
    if (this.exchange === handlerId) {
      await this.db.runExclusive(() => this.db.execProtocolRaw(new Uint8Array([SYNC, 0, 0, 0, 4])));
      this.exchange = null;
    }
    if (this.db.isInTransaction()) await this.db.exec("ROLLBACK");
    this.last = null;
    await this.drain();
  }

  private owner(): number | null {
    if (this.exchange !== null) return this.exchange;
    return this.db.isInTransaction() ? this.last : null;
  }

  private async drain(): Promise<void> {
    if (this.draining) return;
    this.draining = true;
    try {
      for (;;) {
        const owner = this.owner();
        const index = owner === null ? 0 : this.queue.findIndex((pending) => pending.handlerId === owner);
        const item = index >= 0 ? this.queue[index] : undefined;
        if (!item) return; // empty, or the owner has not sent its next message yet
        this.queue.splice(index, 1);
        let bytes = 0;
        try {
          await this.db.runExclusive(() =>
            this.db.execProtocolRawStream(item.message, {
              onRawData: (data) => {
                bytes += data.length;
                item.onData(data);
              },
            }),
          );
        } catch (error) {
          item.reject(error as Error);
          continue;
        }
        this.last = item.handlerId;
        const type = item.message[0] ?? 0;
        if (EXTENDED.has(type)) this.exchange = item.handlerId;
        else if (type === SYNC || type === QUERY) this.exchange = null;
        item.resolve(bytes);
      }
    } finally {
      this.draining = false;
    }
  }
}

/** Swaps pglite-socket's queue (created in its constructor) for ours. */
function installSessionQueue(server: PGLiteSocketServer, db: PGlite): void {
  const internals = server as unknown as { queryQueue?: Partial<MessageQueue> };
  if (typeof internals.queryQueue?.enqueue !== "function") {
    throw new Error("@electric-sql/pglite-socket changed its internals: review lib/db/embedded.ts before upgrading it");
  }
  internals.queryQueue = new SessionQueue(db);
}

// ---------------------------------------------------------------------------
// The data directory lock

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
