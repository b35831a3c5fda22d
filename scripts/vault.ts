// The provider-key vault's operator commands, on DATABASE_URL with the
// configured key ring (MASTER_KEYS / MASTER_KEY, MASTER_KEY_ID):
//   npm run vault:status                  which master key wraps how many data keys
//   npm run vault:rewrap [-- --batch-size N] [--json]
//                                         re-wrap every data key under the active key;
//                                         idempotent, safe to interrupt and run again
//   npm run vault:retire -- <kek-id>      retire a master key no data key uses any more
import { db } from "../lib/db/client";
import { verifiedRing } from "../lib/vault/ring";
import { DEFAULT_REWRAP_BATCH, KekInUse, pendingRewrap, retireKek, rewrapVault } from "../lib/vault/rewrap";

const USAGE = `usage: npm run vault:status
       npm run vault:rewrap [-- --batch-size N] [--json]
       npm run vault:retire -- <kek-id>`;

async function status(): Promise<number> {
  const ring = await verifiedRing();
  const groups = await db.providerCredential.groupBy({ by: ["kekId"], where: { revokedAt: null }, _count: { _all: true } });
  const retired = await db.vaultKek.findMany({ where: { retiredAt: { not: null } }, select: { id: true } });
  console.log(`active master key: ${ring.activeId}`);
  console.log(`keys in the ring: ${[...ring.keys.keys()].join(", ")}`);
  for (const g of groups) if (g.kekId) console.log(`  ${g.kekId}: ${g._count._all} data key(s)${g.kekId === ring.activeId ? " (active)" : ""}${ring.keys.has(g.kekId) ? "" : " (NOT IN THE RING)"}`);
  if (retired.length) console.log(`retired: ${retired.map((r) => r.id).join(", ")}`);
  console.log(`waiting for a re-wrap: ${await pendingRewrap(ring.activeId)}`);
  return 0;
}

async function rewrap(args: string[]): Promise<number> {
  const json = args.includes("--json");
  const sizeAt = args.indexOf("--batch-size");
  const batchSize = sizeAt >= 0 ? Number(args[sizeAt + 1]) : DEFAULT_REWRAP_BATCH;
  if (!Number.isInteger(batchSize) || batchSize < 1 || batchSize > 10_000) {
    console.error("--batch-size: a whole number from 1 to 10000");
    return 2;
  }
  const ring = await verifiedRing();
  const total = await pendingRewrap(ring.activeId);
  if (!json) console.log(`re-wrapping ${total} data key(s) under "${ring.activeId}" in batches of ${batchSize}`);
  const result = await rewrapVault({
    ring,
    batchSize,
    onProgress: (p) =>
      console.log(json ? JSON.stringify({ event: "batch", ...p }) : `batch ${p.batch}: ${p.rewrapped} re-wrapped, ${p.failed} failed, ${p.pending} to go`),
  });
  console.log(json ? JSON.stringify({ event: "done", ...result, activeKekId: ring.activeId }) : `done: ${result.rewrapped} re-wrapped, ${result.failed} failed, ${result.pending} still under another key`);
  if (result.failed > 0 && !json) console.error("Some data keys could not be re-wrapped (their master key is missing from the ring, or they fail the integrity check): see npm run vault:status.");
  return result.failed > 0 || result.pending > 0 ? 1 : 0;
}

async function retire(kekId: string | undefined): Promise<number> {
  if (!kekId) {
    console.error(USAGE);
    return 2;
  }
  const ring = await verifiedRing();
  try {
    await retireKek(ring, kekId);
  } catch (error) {
    if (error instanceof KekInUse) {
      console.error(`refused: ${error.message}`);
      return 1;
    }
    throw error;
  }
  console.log(`master key "${kekId}" is retired: remove it from MASTER_KEYS on every instance.`);
  return 0;
}

async function main(): Promise<number> {
  const [command, ...args] = process.argv.slice(2);
  if (command === "status") return status();
  if (command === "rewrap") return rewrap(args);
  if (command === "retire") return retire(args[0]);
  console.error(USAGE);
  return 2;
}

main()
  .then((code) => process.exit(code))
  .catch((error: unknown) => {
    console.error(error instanceof Error ? error.message : error);
    process.exit(1);
  });
