import "server-only";
import { PrismaPg } from "@prisma/adapter-pg";
import pg from "pg";
import { env } from "@/lib/env";
import { log } from "@/lib/log";
import { increment } from "@/lib/metrics";
import { PrismaClient } from "./generated/client";

export { Prisma } from "./generated/client";
export type Db = InstanceType<typeof PrismaClient>;
/** The client handed to a `$transaction` callback. */
export type Tx = Parameters<Parameters<Db["$transaction"]>[0]>[0];

const globalForPrisma = globalThis as unknown as { gatehousePrisma?: Db; gatehousePool?: pg.Pool };

function client(): Db {
  if (!globalForPrisma.gatehousePrisma) {
    const pool = new pg.Pool({ connectionString: env().DATABASE_URL, max: 10 });
    // Count every statement sent (the gateway benchmark reports queries per request).
    pool.on("connect", (connection) => {
      const query = connection.query.bind(connection) as (...args: unknown[]) => unknown;
      (connection as unknown as { query: (...args: unknown[]) => unknown }).query = (...args) => {
        increment("dbQueries");
        return query(...args);
      };
    });
    // An idle connection dropped by the server must not take the process down.
    pool.on("error", (error) => log.warn("database connection error", { error: error.message }));
    globalForPrisma.gatehousePool = pool;
    const adapter = new PrismaPg(pool);
    // Audit writers of one org queue on an advisory lock inside their transactions: allow them time.
    globalForPrisma.gatehousePrisma = new PrismaClient({ adapter, transactionOptions: { maxWait: 10_000, timeout: 20_000 } });
  }
  return globalForPrisma.gatehousePrisma;
}

/**
 * The connection pool under the Prisma client, for reads that stream many rows
 * as plain text (the audit export): same connections, same limits.
 */
export function pgPool(): pg.Pool {
  client();
  return globalForPrisma.gatehousePool!;
}

/**
 * The one Prisma client of the process, created on first use (so that a build
 * or a module import never needs the database configuration).
 */
export const db: Db = new Proxy({} as Db, {
  get(_target, property) {
    const real = client();
    const value = Reflect.get(real, property, real);
    return typeof value === "function" ? value.bind(real) : value;
  },
});
