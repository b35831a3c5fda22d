import { z } from "zod";

/**
 * OpenAI's chat-completion request, as the gateway accepts it. What is known
 * is checked for type and range; unknown fields pass through (OpenAI adds
 * parameters faster than any gateway), and reach OpenAI upstreams unchanged.
 */
const textPart = z.looseObject({ type: z.literal("text"), text: z.string() });
const imagePart = z.looseObject({
  type: z.literal("image_url"),
  image_url: z.looseObject({ url: z.string().min(1), detail: z.enum(["auto", "low", "high"]).optional() }),
});
const otherPart = z.looseObject({ type: z.string().min(1).refine((t) => t !== "text" && t !== "image_url", "unknown content part") });
export const contentPartSchema = z.union([textPart, imagePart, otherPart]);

const toolCall = z.looseObject({
  id: z.string().min(1),
  type: z.literal("function"),
  function: z.looseObject({ name: z.string().min(1), arguments: z.string() }),
});

const ROLES = ["system", "developer", "user", "assistant", "tool"] as const;

export const messageSchema = z
  .looseObject({
    role: z.enum(ROLES),
    content: z.union([z.string(), z.array(contentPartSchema), z.null()]).optional(),
    name: z.string().max(256).optional(),
    tool_calls: z.array(toolCall).optional(),
    tool_call_id: z.string().min(1).optional(),
  })
  .superRefine((message, ctx) => {
    const content = message.content;
    if (message.role !== "assistant" && (content === undefined || content === null)) {
      ctx.addIssue({ code: "custom", path: ["content"], message: `a ${message.role} message needs content` });
    }
    if (message.role === "assistant" && (content === undefined || content === null) && !message.tool_calls?.length) {
      ctx.addIssue({ code: "custom", path: ["content"], message: "an assistant message needs content or tool_calls" });
    }
    if (message.role === "tool" && !message.tool_call_id) {
      ctx.addIssue({ code: "custom", path: ["tool_call_id"], message: "a tool message needs tool_call_id" });
    }
    if (message.tool_calls && message.role !== "assistant") {
      ctx.addIssue({ code: "custom", path: ["tool_calls"], message: "only assistant messages carry tool_calls" });
    }
  });

const functionTool = z.looseObject({
  type: z.literal("function"),
  function: z.looseObject({
    name: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, "1 to 64 letters, digits, _ or -"),
    description: z.string().optional(),
    parameters: z.record(z.string(), z.unknown()).optional(),
    strict: z.boolean().nullable().optional(),
  }),
});
const otherTool = z.looseObject({ type: z.string().refine((t) => t !== "function", "unknown tool") });

const toolChoice = z.union([
  z.enum(["none", "auto", "required"]),
  z.looseObject({ type: z.literal("function"), function: z.looseObject({ name: z.string().min(1) }) }),
  z.looseObject({ type: z.string().refine((t) => t !== "function", "unknown tool choice") }),
]);

const responseFormat = z.union([
  z.looseObject({ type: z.enum(["text", "json_object"]) }),
  z.looseObject({
    type: z.literal("json_schema"),
    json_schema: z.looseObject({ name: z.string().min(1).max(64), schema: z.record(z.string(), z.unknown()).optional() }),
  }),
]);

const penalty = z.number().min(-2).max(2);

export const chatCompletionRequestSchema = z.looseObject({
  model: z
    .string()
    .min(1)
    .max(256)
    .refine((m) => m !== "openai/" && m !== "anthropic/", "a model name is needed after the provider prefix"),
  messages: z.array(messageSchema).min(1),
  stream: z.boolean().nullable().optional(),
  stream_options: z.looseObject({ include_usage: z.boolean().optional() }).nullable().optional(),
  temperature: z.number().min(0).max(2).nullable().optional(),
  top_p: z.number().min(0).max(1).nullable().optional(),
  max_tokens: z.int().min(1).nullable().optional(),
  max_completion_tokens: z.int().min(1).nullable().optional(),
  stop: z.union([z.string(), z.array(z.string()).max(4), z.null()]).optional(),
  n: z.int().min(1).max(128).nullable().optional(),
  tools: z.array(z.union([functionTool, otherTool])).max(128).optional(),
  tool_choice: toolChoice.optional(),
  parallel_tool_calls: z.boolean().optional(),
  response_format: responseFormat.optional(),
  user: z.string().max(256).optional(),
  seed: z.int().nullable().optional(),
  presence_penalty: penalty.nullable().optional(),
  frequency_penalty: penalty.nullable().optional(),
  logit_bias: z.record(z.string(), z.number().min(-100).max(100)).nullable().optional(),
  logprobs: z.boolean().nullable().optional(),
  top_logprobs: z.int().min(0).max(20).nullable().optional(),
  metadata: z.record(z.string(), z.string()).nullable().optional(),
});

export type ChatCompletionRequest = z.infer<typeof chatCompletionRequestSchema>;
export type ChatMessage = z.infer<typeof messageSchema>;
export type ContentPart = z.infer<typeof contentPartSchema>;
