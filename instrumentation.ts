/**
 * Validate configuration once at server start: a misconfigured production
 * server refuses to run. On SIGTERM/SIGINT, write buffered usage records at
 * once (Next then waits for the rest through `after()` before it exits).
 * On the embedded database (`npm run dev`), retention runs on a timer.
 */
export async function register() {
  if (process.env.NEXT_RUNTIME === "nodejs") {
    const { env } = await import("./lib/env");
    const config = env();
    const { closeUsage } = await import("./lib/gateway/usage");
    for (const signal of ["SIGTERM", "SIGINT"] as const) process.once(signal, () => void closeUsage());
    if (config.GATEHOUSE_EMBEDDED) (await import("./lib/retention/timer")).startRetentionTimer(config.RETENTION_INTERVAL_MINUTES);
  }
}
