import type { Requester, UpstashRequest, UpstashResponse } from "@upstash/redis";
import { ReplyError, type Redis as IORedis } from "ioredis";
import { increment } from "@/lib/metrics";
import { learnLimiterScripts, ScriptRegistry } from "./lua-scripts";

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
 *
 * One request is one round trip (a pipeline is sent and answered as one),
 * counted as `redisRoundTrips`. Scripts go by EVALSHA of the stripped script,
 * known from the start for `@upstash/ratelimit`'s own (see
 * `learnLimiterScripts`). When Redis lacks it (a new Redis, or one that lost
 * its script cache to a restart, failover or SCRIPT FLUSH) it answers
 * NOSCRIPT and nothing ran: a single EVALSHA is sent again here as EVAL, a
 * pipeline's NOSCRIPT goes back to the client, which sends EVAL itself
 * (`@upstash/ratelimit` does). Either way one more round trip, once.
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

/** A command as plain Redis takes it, and what to send instead if Redis answers NOSCRIPT. */
interface Prepared {
  send: Arg[];
  fallback?: Arg[];
}

export function createRedisRequester(client: IORedis, scripts = new ScriptRegistry()): Requester {
  const ready = learnLimiterScripts().then(
    (known) => known.forEach((script) => scripts.register(script)),
    () => {},
  );

  /** A known EVALSHA goes by the stripped script's SHA-1; an EVAL of a flagged script is stripped. */
  function prepare(command: Arg[]): Prepared {
    const [name, first, ...rest] = command;
    const lower = String(name).toLowerCase();
    if ((lower === "eval" || lower === "eval_ro") && typeof first === "string") {
      return { send: [lower, scripts.register(first).script, ...rest] };
    }
    const known = lower === "evalsha" || lower === "evalsha_ro" ? scripts.lookup(String(first)) : undefined;
    if (known) return { send: [lower, known.sha, ...rest], fallback: [lower.replace("sha", ""), known.script, ...rest] };
    return { send: [lower, ...command.slice(1)] };
  }

  function call([name, ...args]: Arg[]): Promise<unknown> {
    increment("redisRoundTrips");
    return client.call(String(name), ...args);
  }

  async function single(command: Arg[]): Promise<Reply> {
    const { send, fallback } = prepare(command);
    try {
      try {
        return { result: await call(send) };
      } catch (error) {
        if (!fallback || !isNoScript(error)) throw error;
        return { result: await call(fallback) };
      }
    } catch (error) {
      if (error instanceof ReplyError) return { error: (error as Error).message };
      throw error;
    }
  }

  async function exec(commands: Arg[][], transaction: boolean): Promise<Reply[]> {
    increment("redisRoundTrips");
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

  async function batch(body: unknown, transaction: boolean): Promise<Reply[]> {
    if (!Array.isArray(body) || body.length === 0) throw new TypeError("Pipeline body must be a non-empty array of commands");
    const prepared = body.map((command) => prepare(toCommand(command)));
    // Inside MULTI a failed EVALSHA could not be sent again alone: send the scripts themselves.
    // In a pipeline NOSCRIPT goes back as Redis sent it; sending only that command again
    // would run it after the pipeline's later commands. The client retries by EVAL, in order.
    return exec(prepared.map(({ send, fallback }) => (transaction ? (fallback ?? send) : send)), transaction);
  }

  return {
    async request<TResult>(req: UpstashRequest): Promise<UpstashResponse<TResult>> {
      await ready;
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
