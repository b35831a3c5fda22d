import "server-only";
import { log } from "@/lib/log";
import { runRetention } from "./run";

/**
 * The embedded default (`npm run dev` on PGlite) has no scheduler to call the
 * cron route, so the server runs retention itself: a first run shortly after
 * start, then one every `intervalMinutes`. Each run is scheduled when the
 * previous one ends, so runs never overlap; a failed run is logged and the
 * next one continues. One timer per process, however often this is called.
 */
const FIRST_RUN_DELAY_MS = 60_000;

const globalForTimer = globalThis as unknown as { gatehouseRetentionTimer?: ReturnType<typeof setTimeout> };

export function startRetentionTimer(intervalMinutes: number): void {
  if (globalForTimer.gatehouseRetentionTimer || intervalMinutes <= 0) return;
  const schedule = (delayMs: number) => {
    globalForTimer.gatehouseRetentionTimer = setTimeout(() => void tick(), delayMs);
    globalForTimer.gatehouseRetentionTimer.unref?.();
  };
  const tick = async () => {
    try {
      await runRetention({ trigger: "timer" }); // logs its own outcome
    } catch (error) {
      log.warn("retention timer run failed; the next run continues", { error: error instanceof Error ? error.message : String(error) });
    }
    schedule(intervalMinutes * 60_000);
  };
  log.info("retention runs on a timer (embedded database)", { intervalMinutes, firstRunInSeconds: FIRST_RUN_DELAY_MS / 1000 });
  schedule(FIRST_RUN_DELAY_MS);
}
