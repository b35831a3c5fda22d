import { z } from "zod";
import { chatCompletionRequestSchema } from "@/lib/gateway/schemas";
import { PROVIDERS } from "@/lib/gateway/types";
import { defineRoute, type HeaderParam, type RouteEntry } from "./route-spec";
import { chatCompletionChunkShape, chatCompletionShape, modelListShape } from "./shapes";

const providerKeyHeader: HeaderParam = {
  name: "X-Provider-Key",
  required: true,
  description: "The provider's own API key (OpenAI `sk-…` or Anthropic `sk-ant-…`), passed to that provider and nowhere else; never stored or logged.",
  schema: z.string().min(1).max(512),
};

/** The SDK endpoints of the registry: OpenAI-compatible, behind the API-key door. */
export const GATEWAY_ROUTES: readonly RouteEntry[] = [
  defineRoute({
    method: "POST",
    path: "/api/v1/chat/completions",
    operationId: "createChatCompletion",
    summary: "Create a chat completion",
    description:
      "OpenAI's chat-completions API. `anthropic/<id>` and `claude-*` models go to Anthropic (request and answer translated), `openai/<id>` and every other model to OpenAI (relayed unchanged but for the routing prefix). With `stream: true` the answer is server-sent events. An error the provider answers with keeps its status, type and code, with the provider key scrubbed from the message.",
    tags: ["Gateway"],
    door: "withApiKey",
    scope: "chat",
    headers: [providerKeyHeader],
    body: chatCompletionRequestSchema,
    response: chatCompletionShape,
    stream: chatCompletionChunkShape,
    errors: ["bad_request", "provider_key_missing", "invalid_request", "unsupported_parameter", "upstream_unavailable", "upstream_forbidden", "upstream_invalid_response", "upstream_timeout"],
  }),
  defineRoute({
    method: "GET",
    path: "/api/v1/models",
    operationId: "listModels",
    summary: "List one provider's models",
    tags: ["Gateway"],
    door: "withApiKey",
    scope: "models",
    headers: [
      { name: "X-Provider", required: false, description: "Whose models to list (default openai).", schema: z.enum(PROVIDERS).default("openai") },
      providerKeyHeader,
    ],
    response: modelListShape,
    errors: ["bad_request", "provider_key_missing", "upstream_unavailable", "upstream_forbidden", "upstream_invalid_response", "upstream_timeout"],
  }),
];
