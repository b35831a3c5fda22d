import IORedis from "ioredis";
import { createMemoryBackend } from "./memory-backend";
import { createRedisRequester } from "./redis-requester";
import { pipelinedRedis, upstashRestRequester } from "./store-client";
import type { Backend } from "./types";
import { createUpstashBackend } from "./upstash-backend";

/**
 * Which store the shared limits live in, chosen from configuration:
 * Upstash REST when its URL and token are set (production on Vercel), a plain
 * Redis when REDIS_URL is set (self-hosted, CI), else in-process (embedded
 * default, single process only).
 */
export type BackendConfig =
  | { kind: "upstash"; url: string; token: string }
  | { kind: "redis"; url: string }
  | { kind: "memory" };

export interface BackendEnv {
  REDIS_URL?: string;
  UPSTASH_REDIS_REST_URL?: string;
  UPSTASH_REDIS_REST_TOKEN?: string;
}

export function backendConfigFrom(env: BackendEnv): BackendConfig {
  const { UPSTASH_REDIS_REST_URL: url, UPSTASH_REDIS_REST_TOKEN: token } = env;
  if (url && token) return { kind: "upstash", url, token };
  if (url || token) {
    // Half a configuration would silently fall back to per-process limits.
    throw new Error("Invalid configuration: UPSTASH_REDIS_REST_URL and UPSTASH_REDIS_REST_TOKEN must be set together");
  }
  if (env.REDIS_URL) return { kind: "redis", url: env.REDIS_URL };
  return { kind: "memory" };
}

export interface OpenOptions {
  /** Per-request deadline handed to the client; the limiter enforces its own as well. */
  timeoutMs: number;
}

/*
 * Both shared stores are reached through an auto-pipelined `@upstash/redis`
 * client (./store-client): the commands of one tick are one round trip.
 */
function openUpstash(url: string, token: string, { timeoutMs }: OpenOptions): Backend {
  return createUpstashBackend("upstash", pipelinedRedis(upstashRestRequester(url, token, timeoutMs)));
}

function openRedis(url: string, { timeoutMs }: OpenOptions): Backend {
  const client = new IORedis(url, {
    lazyConnect: true,
    connectTimeout: Math.max(1_000, timeoutMs * 2),
    commandTimeout: timeoutMs,
    // Queued commands fail after one failed reconnect instead of piling up.
    maxRetriesPerRequest: 1,
    retryStrategy: (attempt) => Math.min(attempt * 200, 2_000),
  });
  // Connection errors surface through the commands that fail (and the
  // limiter's warning); without a listener ioredis prints every one.
  client.on("error", () => {});
  return createUpstashBackend("redis", pipelinedRedis(createRedisRequester(client)), async () => {
    client.disconnect();
  });
}

export function openBackend(config: BackendConfig, options: OpenOptions): Backend {
  switch (config.kind) {
    case "upstash":
      return openUpstash(config.url, config.token, options);
    case "redis":
      return openRedis(config.url, options);
    case "memory":
      return createMemoryBackend();
  }
}
