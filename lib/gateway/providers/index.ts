import type { ChatCompletionRequest } from "../schemas";
import type { CallOptions, ChatOptions, ChatOutcome, ModelsOutcome, Provider, ProviderAdapter, ProviderTarget } from "../types";
import { anthropicAdapter } from "./anthropic";
import { openaiAdapter } from "./openai";

/** The adapter of each provider; the target's provider picks it. */
export const ADAPTERS = { openai: openaiAdapter, anthropic: anthropicAdapter } as const satisfies Record<Provider, ProviderAdapter>;

export function adapterFor(provider: Provider): ProviderAdapter {
  return ADAPTERS[provider];
}

export function chatCompletion(target: ProviderTarget, request: ChatCompletionRequest, options?: ChatOptions): Promise<ChatOutcome> {
  return adapterFor(target.provider).chatCompletion(target, request, options);
}

export function listModels(target: ProviderTarget, options?: CallOptions): Promise<ModelsOutcome> {
  return adapterFor(target.provider).listModels(target, options);
}
