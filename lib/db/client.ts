import "server-only";
import { PrismaPg } from "@prisma/adapter-pg";
import { env } from "@/lib/env";
import { PrismaClient } from "./generated/client";

export { Prisma } from "./generated/client";
export type Db = InstanceType<typeof PrismaClient>;
/** The client handed to a `$transaction` callback. */
export type Tx = Parameters<Parameters<Db["$transaction"]>[0]>[0];

const globalForPrisma = globalThis as unknown as { gatehousePrisma?: Db };

function client(): Db {
  if (!globalForPrisma.gatehousePrisma) {
    const adapter = new PrismaPg({ connectionString: env().DATABASE_URL, max: 10 });
    // Audit writers of one org queue on an advisory lock inside their transactions: allow them time.
    globalForPrisma.gatehousePrisma = new PrismaClient({ adapter, transactionOptions: { maxWait: 10_000, timeout: 20_000 } });
  }
  return globalForPrisma.gatehousePrisma;
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
