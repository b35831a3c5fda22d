import type { Provider } from "./types";

/**
 * Which provider serves a model: `anthropic/<id>` and `claude-*` go to
 * Anthropic; `openai/<id>` and everything else to OpenAI. The routing prefix
 * is the gateway's own and never reaches the provider.
 */
export interface ResolvedModel {
  provider: Provider;
  /** The model name as the provider knows it. */
  upstreamModel: string;
}

const PREFIXES: Record<string, Provider> = { "anthropic/": "anthropic", "openai/": "openai" };

export function resolveProvider(model: string): ResolvedModel {
  for (const [prefix, provider] of Object.entries(PREFIXES)) {
    if (model.startsWith(prefix)) return { provider, upstreamModel: model.slice(prefix.length) };
  }
  if (model.startsWith("claude-")) return { provider: "anthropic", upstreamModel: model };
  return { provider: "openai", upstreamModel: model };
}

/** The model name to send to `provider`: its own routing prefix removed, nothing else changed. */
export function upstreamModelName(model: string, provider: Provider): string {
  const prefix = `${provider}/`;
  return model.startsWith(prefix) ? model.slice(prefix.length) : model;
}
