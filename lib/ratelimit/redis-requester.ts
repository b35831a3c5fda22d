import type { Requester, UpstashRequest, UpstashResponse } from "@upstash/redis";
import { ReplyError, type Redis as IORedis } from "ioredis";
import { ScriptRegistry, type StrippedScript } from "./lua-scripts";

/**
 * `@upstash/redis`'s public `Requester` over a plain Redis (ioredis), so the
 * very same `@upstash/ratelimit` code runs against self-hosted Redis.
 *
 * The Redis client sends JSON command arrays: a single command with no path,
 * or an array of commands with the path ["pipeline"] or ["multi-exec"]. It
 * expects `{ result }` / `{ error }` (an array of them for batches), unencoded
 * (the base64 response encoding is an option of its HTTP client only).
 * Redis error replies become `{ error }`, which the client raises as
 * `UpstashError`; connection failures are thrown as they are.
 */
type Arg = string | number;
type Reply = UpstashResponse<unknown>;

function toCommand(value: unknown): Arg[] {
  if (!Array.isArray(value) || value.length === 0) throw new TypeError("Redis command must be a non-empty array");
  return value.map((arg) => {
    if (typeof arg === "string" || typeof arg === "number") return arg;
    if (typeof arg === "boolean") return String(arg);
    throw new TypeError("Redis command arguments must be strings, numbers or booleans");
  });
}

function isNoScript(error: unknown): boolean {
  return error instanceof ReplyError && String((error as Error).message).startsWith("NOSCRIPT");
}

export function createRedisRequester(client: IORedis, scripts = new ScriptRegistry()): Requester {
  /** The command as plain Redis accepts it; a known EVALSHA becomes EVAL of the stripped script. */
  function translate(command: Arg[]): Arg[] {
    const [name, first, ...rest] = command;
    const lower = String(name).toLowerCase();
    if ((lower === "eval" || lower === "eval_ro") && typeof first === "string") {
      return [lower, scripts.register(first).script, ...rest];
    }
    if (lower === "evalsha" || lower === "evalsha_ro") {
      const known = scripts.lookup(String(first));
      if (known) return [lower.replace("sha", ""), known.script, ...rest];
    }
    return [lower, ...command.slice(1)];
  }

  /** EVALSHA of the stripped script, falling back to EVAL when Redis has not cached it. */
  async function evalKnown(name: string, known: StrippedScript, args: Arg[]): Promise<unknown> {
    try {
      return await client.call(name, known.sha, ...args);
    } catch (error) {
      if (!isNoScript(error)) throw error;
      return await client.call(name.replace("sha", ""), known.script, ...args);
    }
  }

  async function single(command: Arg[]): Promise<Reply> {
    try {
      const [name, first, ...rest] = command;
      const lower = String(name).toLowerCase();
      const known = lower === "evalsha" || lower === "evalsha_ro" ? scripts.lookup(String(first)) : undefined;
      if (known) return { result: await evalKnown(lower, known, rest) };
      const [translatedName, ...args] = translate(command);
      return { result: await client.call(String(translatedName), ...args) };
    } catch (error) {
      if (error instanceof ReplyError) return { error: (error as Error).message };
      throw error;
    }
  }

  async function batch(body: unknown, transaction: boolean): Promise<Reply[]> {
    if (!Array.isArray(body) || body.length === 0) throw new TypeError("Pipeline body must be a non-empty array of commands");
    const commands = body.map((command) => translate(toCommand(command)));
    let replies: [Error | null, unknown][] | null;
    try {
      replies = await (transaction ? client.multi(commands) : client.pipeline(commands)).exec();
    } catch (error) {
      if (error instanceof ReplyError) return commands.map(() => ({ error: (error as Error).message }));
      throw error;
    }
    if (!replies) return commands.map(() => ({ error: "EXECABORT Transaction discarded" }));
    return replies.map(([error, result]) => {
      if (!error) return { result };
      if (error instanceof ReplyError) return { error: error.message };
      throw error;
    });
  }

  return {
    async request<TResult>(req: UpstashRequest): Promise<UpstashResponse<TResult>> {
      const path = req.path ?? [];
      if (path.length === 0) return (await single(toCommand(req.body))) as UpstashResponse<TResult>;
      if (path.length === 1 && (path[0] === "pipeline" || path[0] === "multi-exec")) {
        // The client's Pipeline reads an array of replies from this same method.
        return (await batch(req.body, path[0] === "multi-exec")) as unknown as UpstashResponse<TResult>;
      }
      throw new Error(`Unsupported request path: /${path.join("/")}`);
    },
  };
}
