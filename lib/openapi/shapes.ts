import { z } from "zod";
import { ERROR_STATUS, type ErrorCode } from "@/lib/security/errors";

/**
 * Shapes the API answers with that have no zod schema of their own, because
 * no code parses them: the two error bodies, and the OpenAI objects the SDK
 * endpoints relay from (or translate into the form of) the provider. They
 * describe; they validate nothing. OpenAI objects are open: providers add
 * fields, and the gateway passes them on.
 */
const ERROR_CODES = Object.keys(ERROR_STATUS) as [ErrorCode, ...ErrorCode[]];

export const errorBodyShape = z
  .object({
    error: z.object({
      code: z.enum(ERROR_CODES),
      message: z.string().meta({ description: "For people; may change. Branch on `code`." }),
      issues: z
        .array(z.object({ path: z.string().meta({ description: "Dotted path of the field, e.g. `scopes.0`" }), message: z.string() }))
        .optional()
        .meta({ description: "One entry per invalid field (validation_failed, and some 403/409 answers)." }),
      requestId: z.string().meta({ description: "Also in the `x-request-id` header; quote it when reporting a problem." }),
    }),
  })
  .meta({ description: "Every error of the management API." });

export const openAIErrorShape = z
  .object({
    error: z.object({
      message: z.string(),
      type: z.string().meta({
        description:
          "invalid_request_error, authentication_error, permission_error, not_found_error, rate_limit_error or api_error for the gateway's own errors; gateway_error for an upstream failure; the provider's own type when it answered with an error.",
      }),
      param: z.string().nullable(),
      code: z.string().nullable().meta({ description: "The gateway's error code; the provider's code (or null) when the provider answered with an error." }),
      request_id: z.string(),
    }),
  })
  .meta({ description: "Errors of the SDK endpoints, in OpenAI's shape so that any OpenAI client reports them." });

const usage = z.looseObject({
  prompt_tokens: z.int(),
  completion_tokens: z.int(),
  total_tokens: z.int(),
  prompt_tokens_details: z.looseObject({ cached_tokens: z.int().optional() }).optional(),
});

const toolCall = z.looseObject({
  id: z.string(),
  type: z.literal("function"),
  function: z.looseObject({ name: z.string(), arguments: z.string().meta({ description: "JSON text" }) }),
});

const finishReason = z.enum(["stop", "length", "tool_calls", "content_filter", "function_call"]).nullable();

export const chatCompletionShape = z
  .looseObject({
    id: z.string(),
    object: z.literal("chat.completion"),
    created: z.int().meta({ description: "Unix seconds" }),
    model: z.string(),
    choices: z.array(
      z.looseObject({
        index: z.int(),
        message: z.looseObject({
          role: z.literal("assistant"),
          content: z.string().nullable(),
          refusal: z.string().nullable().optional(),
          tool_calls: z.array(toolCall).optional(),
        }),
        logprobs: z.looseObject({}).nullable().optional(),
        finish_reason: finishReason,
      }),
    ),
    usage: usage.optional(),
    system_fingerprint: z.string().nullable().optional(),
  })
  .meta({ description: "An OpenAI `chat.completion` object; Anthropic answers are translated into it." });

export const chatCompletionChunkShape = z
  .looseObject({
    id: z.string(),
    object: z.literal("chat.completion.chunk"),
    created: z.int(),
    model: z.string(),
    choices: z.array(
      z.looseObject({
        index: z.int(),
        delta: z.looseObject({
          role: z.literal("assistant").optional(),
          content: z.string().nullable().optional(),
          tool_calls: z
            .array(
              z.looseObject({
                index: z.int(),
                id: z.string().optional(),
                type: z.literal("function").optional(),
                function: z.looseObject({ name: z.string().optional(), arguments: z.string().optional() }).optional(),
              }),
            )
            .optional(),
        }),
        logprobs: z.looseObject({}).nullable().optional(),
        finish_reason: finishReason,
      }),
    ),
    usage: usage.nullable().optional().meta({ description: "Only in the last chunk, and only with `stream_options.include_usage`." }),
  })
  .meta({ description: "The data of one server-sent event: an OpenAI `chat.completion.chunk` object." });

export const modelListShape = z
  .object({
    object: z.literal("list"),
    data: z.array(
      z.object({
        id: z.string().meta({ description: "The provider's model id; prefix `anthropic/` or `openai/` to route explicitly." }),
        object: z.literal("model"),
        created: z.int().meta({ description: "Unix seconds (0 when the provider does not say)" }),
        owned_by: z.string(),
      }),
    ),
  })
  .meta({ description: "OpenAI's model list, for one provider." });

export const openApiDocumentShape = z
  .looseObject({
    openapi: z.string(),
    info: z.looseObject({ title: z.string(), version: z.string() }),
    paths: z.record(z.string(), z.looseObject({})),
    components: z.looseObject({}),
  })
  .meta({ description: "This document." });
