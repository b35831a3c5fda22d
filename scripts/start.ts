// `npm start`: the production server. Refuses to start without its secrets.
import { spawn } from "node:child_process";
import path from "node:path";
import { parseEnv } from "../lib/env";

try {
  parseEnv({ ...process.env, NODE_ENV: "production" });
} catch (error) {
  console.error(`[gatehouse] refusing to start.\n${error instanceof Error ? error.message : error}`);
  process.exit(1);
}
const next = spawn(process.execPath, [path.resolve("node_modules/next/dist/bin/next"), "start", "-p", process.env.PORT ?? "3000"], {
  stdio: "inherit",
  env: { ...process.env, NODE_ENV: "production", NEXT_TELEMETRY_DISABLED: "1" },
});
for (const signal of ["SIGINT", "SIGTERM"] as const) process.on(signal, () => next.kill(signal));
next.on("exit", (code) => process.exit(code ?? 0));
