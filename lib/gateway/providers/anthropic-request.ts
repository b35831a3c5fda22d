import { GatewayFailure, type GatewayErrorCode } from "../errors";
import { upstreamModelName } from "../models";
import type { ChatCompletionRequest, ChatMessage, ContentPart } from "../schemas";

/**
 * OpenAI chat-completion request → Anthropic Messages request. System and
 * developer messages become `system`; consecutive turns of one role are
 * merged (tool results first, as Anthropic requires); text and image parts,
 * tool definitions, tool choice, assistant tool calls and tool results are
 * translated. What Anthropic cannot honour (several choices, JSON response
 * formats, log-probabilities, temperature above 1, audio or file parts) is
 * refused with a 400 naming the parameter rather than silently dropped;
 * sampling hints it has no equivalent for (penalties, seed, logit_bias) are
 * ignored.
 */
export const DEFAULT_MAX_TOKENS = 4096;

export class UntranslatableRequest extends GatewayFailure {
  constructor(
    code: GatewayErrorCode,
    message: string,
    readonly param: string,
  ) {
    super(code, message);
  }
}

type Block = Record<string, unknown>;
interface AnthropicMessage {
  role: "user" | "assistant";
  content: Block[];
}

const unsupported = (param: string, what: string) =>
  new UntranslatableRequest("unsupported_parameter", `${what} is not supported for Anthropic models.`, param);

function imageBlock(url: string, param: string): Block {
  const data = /^data:(image\/(?:png|jpeg|gif|webp));base64,(.+)$/s.exec(url);
  if (data) return { type: "image", source: { type: "base64", media_type: data[1], data: data[2] } };
  if (/^https?:\/\//i.test(url)) return { type: "image", source: { type: "url", url } };
  throw unsupported(param, "This image URL");
}

function partBlocks(content: ChatMessage["content"], param: string, allowImages: boolean): Block[] {
  if (content === undefined || content === null) return [];
  if (typeof content === "string") return content === "" ? [] : [{ type: "text", text: content }];
  return content.flatMap((part: ContentPart, j): Block[] => {
    if (part.type === "text" && typeof part.text === "string") return part.text === "" ? [] : [{ type: "text", text: part.text }];
    if (part.type === "image_url" && allowImages) {
      const url = (part.image_url as { url: string }).url;
      return [imageBlock(url, `${param}[${j}].image_url.url`)];
    }
    throw unsupported(`${param}[${j}].type`, `A "${part.type}" content part here`);
  });
}

function textOf(content: ChatMessage["content"], param: string): string {
  return partBlocks(content, param, false)
    .map((b) => b.text as string)
    .join("\n");
}

function toolUse(call: NonNullable<ChatMessage["tool_calls"]>[number], param: string): Block {
  let input: unknown;
  try {
    input = call.function.arguments.trim() === "" ? {} : JSON.parse(call.function.arguments);
  } catch {
    throw new UntranslatableRequest("invalid_request", "Tool call arguments must be a JSON object.", `${param}.function.arguments`);
  }
  if (typeof input !== "object" || input === null || Array.isArray(input)) {
    throw new UntranslatableRequest("invalid_request", "Tool call arguments must be a JSON object.", `${param}.function.arguments`);
  }
  return { type: "tool_use", id: call.id, name: call.function.name, input };
}

function conversation(messages: ChatMessage[]): { system: string[]; turns: AnthropicMessage[] } {
  const system: string[] = [];
  const turns: AnthropicMessage[] = [];
  const add = (role: AnthropicMessage["role"], blocks: Block[]) => {
    if (blocks.length === 0) return;
    const last = turns.at(-1);
    if (last?.role !== role) turns.push({ role, content: blocks });
    else if (blocks[0]?.type === "tool_result") {
      // Tool results answer the previous assistant turn and must lead the user turn.
      const firstOther = last.content.findIndex((b) => b.type !== "tool_result");
      last.content.splice(firstOther === -1 ? last.content.length : firstOther, 0, ...blocks);
    } else last.content.push(...blocks);
  };
  messages.forEach((message, i) => {
    const param = `messages[${i}].content`;
    switch (message.role) {
      case "system":
      case "developer": {
        const text = textOf(message.content, param);
        if (text) system.push(text);
        break;
      }
      case "user":
        add("user", partBlocks(message.content, param, true));
        break;
      case "assistant":
        add("assistant", [
          ...partBlocks(message.content, param, false),
          ...(message.tool_calls ?? []).map((call, j) => toolUse(call, `messages[${i}].tool_calls[${j}]`)),
        ]);
        break;
      case "tool": {
        const content = typeof message.content === "string" ? message.content : partBlocks(message.content, param, false);
        add("user", [{ type: "tool_result", tool_use_id: message.tool_call_id, content }]);
        break;
      }
    }
  });
  return { system, turns };
}

function tools(request: ChatCompletionRequest): Block[] | undefined {
  if (!request.tools?.length) return undefined;
  return request.tools.map((tool, i) => {
    if (tool.type !== "function") throw unsupported(`tools[${i}].type`, `A "${tool.type}" tool`);
    const fn = tool.function as { name: string; description?: string; parameters?: Record<string, unknown> };
    return {
      name: fn.name,
      ...(fn.description ? { description: fn.description } : {}),
      input_schema: fn.parameters ?? { type: "object", properties: {} },
    };
  });
}

function toolChoice(request: ChatCompletionRequest): Block | undefined {
  const choice = request.tool_choice;
  const noParallel = request.parallel_tool_calls === false ? { disable_parallel_tool_use: true } : {};
  if (choice === undefined) return request.tools?.length && request.parallel_tool_calls === false ? { type: "auto", ...noParallel } : undefined;
  if (choice === "none") return { type: "none" };
  if (choice === "auto") return { type: "auto", ...noParallel };
  if (choice === "required") return { type: "any", ...noParallel };
  if (choice.type === "function") return { type: "tool", name: (choice.function as { name: string }).name, ...noParallel };
  throw unsupported("tool_choice", `Tool choice "${choice.type}"`);
}

function refuseUnsupported(request: ChatCompletionRequest): void {
  if ((request.n ?? 1) > 1) throw unsupported("n", "More than one choice");
  const format = request.response_format?.type;
  if (format && format !== "text") throw unsupported("response_format", `Response format "${format}"`);
  if (request.logprobs) throw unsupported("logprobs", "Log-probabilities");
  if ((request.temperature ?? 0) > 1) throw unsupported("temperature", "A temperature above 1");
}

/** The Anthropic request body; throws UntranslatableRequest naming the parameter it cannot carry. */
export function toAnthropicRequest(request: ChatCompletionRequest): Record<string, unknown> {
  refuseUnsupported(request);
  const { system, turns } = conversation(request.messages);
  if (turns.length === 0) throw new UntranslatableRequest("invalid_request", "At least one user or assistant message is needed.", "messages");
  const stop = request.stop;
  const body: Record<string, unknown> = {
    model: upstreamModelName(request.model, "anthropic"),
    max_tokens: request.max_completion_tokens ?? request.max_tokens ?? DEFAULT_MAX_TOKENS,
    messages: turns,
  };
  if (system.length) body.system = system.join("\n\n");
  if (stop !== undefined && stop !== null) body.stop_sequences = typeof stop === "string" ? [stop] : stop;
  if (request.temperature !== undefined && request.temperature !== null) body.temperature = request.temperature;
  if (request.top_p !== undefined && request.top_p !== null) body.top_p = request.top_p;
  const toolList = tools(request);
  if (toolList) body.tools = toolList;
  const choice = toolChoice(request);
  if (choice) body.tool_choice = choice;
  if (request.user) body.metadata = { user_id: request.user };
  if (request.stream) body.stream = true;
  return body;
}
