// Generates the Prisma client offline. `prisma generate` does not need the
// schema-engine binary, but the CLI looks for one: point it at any file.
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";

if (!existsSync("node_modules/.bin/prisma")) process.exit(0);
const env = { ...process.env, PRISMA_HIDE_UPDATE_MESSAGE: "1", CHECKPOINT_DISABLE: "1" };
env.PRISMA_SCHEMA_ENGINE_BINARY ??= process.execPath;
const result = spawnSync("node_modules/.bin/prisma", ["generate"], { stdio: "inherit", env });
process.exit(result.status ?? 1);
