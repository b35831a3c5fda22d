import "server-only";
import { z } from "zod";
import { env } from "@/lib/env";
import type { Provider } from "./types";

/**
 * Gateway settings: the providers' base URLs, whether upstreams may live on
 * private networks, and the upstream timeout. Read from the environment
 * (OPENAI_BASE_URL, ANTHROPIC_BASE_URL, GATEWAY_ALLOW_PRIVATE_UPSTREAMS,
 * GATEWAY_UPSTREAM_TIMEOUT_MS) through `gatewaySettings`, which takes the values
 * as a parameter so tests need no environment. Values may arrive as strings
 * (raw) or already typed (validated by lib/env).
 */
const baseUrl = z
  .url({ protocol: /^https?$/, message: "must be an http:// or https:// URL" })
  .refine((value) => {
    const url = new URL(value);
    return !url.username && !url.password && !url.search && !url.hash;
  }, "must have no credentials, query or fragment")
  .transform((value) => value.replace(/\/+$/, ""));

const flag = z.union([z.boolean(), z.enum(["true", "false", "1", "0"]).transform((v) => v === "true" || v === "1")]);

const schema = z.object({
  OPENAI_BASE_URL: baseUrl.default("https://api.openai.com/v1"),
  ANTHROPIC_BASE_URL: baseUrl.default("https://api.anthropic.com"),
  GATEWAY_ALLOW_PRIVATE_UPSTREAMS: flag.default(false),
  GATEWAY_UPSTREAM_TIMEOUT_MS: z.coerce.number().int().min(1_000).max(15 * 60_000).default(120_000),
});

export interface GatewaySettings {
  baseUrls: Record<Provider, string>;
  allowPrivateUpstreams: boolean;
  upstreamTimeoutMs: number;
}

export function gatewaySettings(values: Readonly<Record<string, unknown>>): GatewaySettings {
  const input = Object.fromEntries(Object.keys(schema.shape).map((name) => [name, values[name] === "" ? undefined : values[name]]));
  const parsed = schema.safeParse(input);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((issue) => `  - ${issue.path.join(".")}: ${issue.message}`);
    throw new Error(`Invalid gateway configuration:\n${lines.join("\n")}`);
  }
  const s = parsed.data;
  return {
    baseUrls: { openai: s.OPENAI_BASE_URL, anthropic: s.ANTHROPIC_BASE_URL },
    allowPrivateUpstreams: s.GATEWAY_ALLOW_PRIVATE_UPSTREAMS,
    upstreamTimeoutMs: s.GATEWAY_UPSTREAM_TIMEOUT_MS,
  };
}

let cached: GatewaySettings | undefined;

/** The settings of this process, from the validated environment. */
export function gatewayConfig(): GatewaySettings {
  cached ??= gatewaySettings(env());
  return cached;
}
