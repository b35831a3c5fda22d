import { createHash } from "node:crypto";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import IORedis, { ReplyError } from "ioredis";

/**
 * A stand-in for Upstash's REST API on 127.0.0.1 (random port), backed by a
 * real Redis: Bearer-token auth; POST / with one JSON command array; POST
 * /pipeline and /multi-exec with arrays of them; `{result}` / `{error}`
 * replies; base64-encoded results when the client sends `Upstash-Encoding:
 * base64` (its default). Like Upstash it accepts scripts carrying
 * `#!lua flags=allow-key-locking` (dropping the flag before Redis sees them)
 * and answers EVALSHA of the original script's SHA-1.
 *
 * Self-contained on purpose: it plays the third party, so it shares no code
 * with the requester under test.
 */
export interface UpstashRestServer {
  url: string;
  token: string;
  /** Requests seen, by kind. */
  stats: { single: number; pipeline: number; multiExec: number; base64: number; unauthorized: number };
  close(): Promise<void>;
}

type Command = (string | number)[];
type Reply = { result: unknown } | { error: string };

const MAX_BODY = 1024 * 1024;

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    let size = 0;
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY) reject(new Error("body too large"));
      else chunks.push(chunk);
    });
    req.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
    req.on("error", reject);
  });
}

function encode(value: unknown): unknown {
  if (typeof value === "string") return value === "OK" ? value : Buffer.from(value, "utf8").toString("base64");
  if (Array.isArray(value)) return value.map(encode);
  return value;
}

function isCommand(value: unknown): value is Command {
  return Array.isArray(value) && value.length > 0 && value.every((a) => typeof a === "string" || typeof a === "number");
}

export async function startUpstashRestServer(options: { redisUrl: string; token?: string }): Promise<UpstashRestServer> {
  const token = options.token ?? `test-token-${Math.random().toString(36).slice(2)}`;
  const redis = new IORedis(options.redisUrl, { maxRetriesPerRequest: 1 });
  const scripts = new Map<string, string>(); // sha1(original) → script without the Upstash-only flag
  const stats = { single: 0, pipeline: 0, multiExec: 0, base64: 0, unauthorized: 0 };
  const sha1 = (s: string) => createHash("sha1").update(s).digest("hex");

  /** What plain Redis accepts for what Upstash accepts. */
  function translate(command: Command): Command {
    const [name, first, ...rest] = command;
    const lower = String(name).toLowerCase();
    if ((lower === "eval" || lower === "eval_ro") && typeof first === "string") {
      const stripped = first.replace(/^#!lua[ \t]+flags=([^\s]*)/, (_all, flags: string) => {
        const kept = flags.split(",").filter((f) => f && f !== "allow-key-locking");
        return kept.length ? `#!lua flags=${kept.join(",")}` : "#!lua";
      });
      if (stripped !== first) scripts.set(sha1(first), stripped);
      return [lower, stripped, ...rest];
    }
    if ((lower === "evalsha" || lower === "evalsha_ro") && scripts.has(String(first).toLowerCase())) {
      return [lower.replace("sha", ""), scripts.get(String(first).toLowerCase())!, ...rest];
    }
    return [lower, ...command.slice(1)];
  }

  async function run(command: Command): Promise<Reply> {
    const [name, ...args] = translate(command);
    try {
      return { result: await redis.call(String(name), ...args) };
    } catch (error) {
      if (error instanceof ReplyError) return { error: (error as Error).message };
      throw error;
    }
  }

  async function batch(commands: Command[], transaction: boolean): Promise<Reply[]> {
    const translated = commands.map(translate);
    try {
      const replies = await (transaction ? redis.multi(translated) : redis.pipeline(translated)).exec();
      if (!replies) return translated.map(() => ({ error: "EXECABORT Transaction discarded" }));
      return replies.map(([error, result]) => (error ? { error: error.message } : { result }));
    } catch (error) {
      if (error instanceof ReplyError) return translated.map(() => ({ error: (error as Error).message }));
      throw error;
    }
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const send = (status: number, body: unknown) => {
      res.writeHead(status, { "content-type": "application/json", "upstash-sync-token": String(Date.now()) });
      res.end(JSON.stringify(body));
    };
    if (req.headers.authorization !== `Bearer ${token}`) {
      stats.unauthorized += 1;
      return send(401, { error: "Unauthorized" });
    }
    if (req.method !== "POST") return send(405, { error: "Method not allowed" });
    const base64 = String(req.headers["upstash-encoding"] ?? "").toLowerCase() === "base64";
    if (base64) stats.base64 += 1;
    const wrap = (reply: Reply) => ("result" in reply && base64 ? { result: encode(reply.result) } : reply);
    let body: unknown;
    try {
      body = JSON.parse(await readBody(req));
    } catch {
      return send(400, { error: "ERR failed to parse command" });
    }
    const path = new URL(req.url ?? "/", "http://localhost").pathname.replace(/\/+$/, "");
    if (path === "") {
      if (!isCommand(body)) return send(400, { error: "ERR command must be a non-empty array" });
      stats.single += 1;
      const reply = await run(body);
      return send("error" in reply ? 400 : 200, wrap(reply));
    }
    if (path === "/pipeline" || path === "/multi-exec") {
      if (!Array.isArray(body) || body.length === 0 || !body.every(isCommand)) {
        return send(400, { error: "ERR pipeline body must be an array of commands" });
      }
      if (path === "/pipeline") stats.pipeline += 1;
      else stats.multiExec += 1;
      return send(200, (await batch(body, path === "/multi-exec")).map(wrap));
    }
    return send(404, { error: "Not found" });
  }

  const server = createServer((req, res) => {
    handle(req, res).catch(() => {
      if (!res.headersSent) res.writeHead(500, { "content-type": "application/json" });
      res.end(JSON.stringify({ error: "ERR backend unavailable" }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}`,
    token,
    stats,
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      redis.disconnect();
    },
  };
}
