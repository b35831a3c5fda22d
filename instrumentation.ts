/**
 * Validate configuration once at server start: a misconfigured production
 * server refuses to run. On SIGTERM/SIGINT, write buffered usage records at
 * once (Next then waits for the rest through `after()` before it exits).
 */
export async function register() {
  if (process.env.NEXT_RUNTIME === "nodejs") {
    const { env } = await import("./lib/env");
    env();
    const { flushUsage } = await import("./lib/gateway/usage");
    for (const signal of ["SIGTERM", "SIGINT"] as const) process.once(signal, () => void flushUsage());
  }
}
