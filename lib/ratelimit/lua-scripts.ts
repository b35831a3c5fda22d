import { createHash } from "node:crypto";
import { Ratelimit } from "@upstash/ratelimit";
import { Redis, type Requester } from "@upstash/redis";

/**
 * `@upstash/ratelimit`'s Lua scripts start with `#!lua flags=allow-key-locking`,
 * a flag only Upstash understands; plain Redis refuses the script ("Unexpected
 * flag in script shebang"). This drops that one flag and remembers which
 * stripped script stands for the original's SHA-1, since the client asks for
 * the original by `EVALSHA`.
 */
const UPSTASH_ONLY_FLAGS = new Set(["allow-key-locking"]);
const SHEBANG = /^#!lua[ \t]+flags=([^\s]*)/;

export function sha1(script: string): string {
  return createHash("sha1").update(script).digest("hex");
}

/** The script as plain Redis accepts it (unchanged when it carries no such flag). */
export function stripUpstashFlags(script: string): string {
  const match = SHEBANG.exec(script);
  if (!match) return script;
  const kept = (match[1] ?? "").split(",").filter((flag) => flag && !UPSTASH_ONLY_FLAGS.has(flag));
  const shebang = kept.length > 0 ? `#!lua flags=${kept.join(",")}` : "#!lua";
  return shebang + script.slice(match[0].length);
}

export interface StrippedScript {
  script: string;
  sha: string;
}

/** Original SHA-1 → stripped script. Holds the few scripts the limiter uses; bounded anyway. */
export class ScriptRegistry {
  private readonly byOriginalSha = new Map<string, StrippedScript>();

  constructor(private readonly maxScripts = 256) {}

  /** Strip an `EVAL` script and remember it under the original's SHA-1. */
  register(original: string): StrippedScript {
    const script = stripUpstashFlags(original);
    const stripped = { script, sha: sha1(script) };
    if (script !== original) {
      if (this.byOriginalSha.size >= this.maxScripts) this.byOriginalSha.clear();
      this.byOriginalSha.set(sha1(original), stripped);
    }
    return stripped;
  }

  /** The stripped script an `EVALSHA` of the original means, if one was seen. */
  lookup(originalSha: string): StrippedScript | undefined {
    return this.byOriginalSha.get(originalSha.toLowerCase());
  }
}

let learned: Promise<readonly string[]> | undefined;

/**
 * `@upstash/ratelimit`'s limit scripts, learnt once per process without any
 * I/O: each algorithm runs once against a recorder that answers EVALSHA with
 * NOSCRIPT, so the library sends the script itself by EVAL. Knowing them up
 * front, the requester can map the library's first EVALSHA to the stripped
 * script, and a new process's first check costs one round trip, not two.
 * Should the library change how it sends scripts, nothing is learnt and the
 * first check simply pays for the NOSCRIPT fallback.
 */
export function learnLimiterScripts(): Promise<readonly string[]> {
  learned ??= (async () => {
    const scripts: string[] = [];
    const recorder: Requester = {
      async request(req) {
        const [name, script] = Array.isArray(req.body) ? (req.body as unknown[]) : [];
        if (String(name).toLowerCase() === "eval" && typeof script === "string") scripts.push(script);
        return { error: "NOSCRIPT recorded, not run" };
      },
    };
    const redis = new Redis(recorder);
    for (const limiter of [Ratelimit.fixedWindow(1, "1 s"), Ratelimit.slidingWindow(1, "1 s"), Ratelimit.tokenBucket(1, "1 s", 1)]) {
      const ratelimit = new Ratelimit({ redis, limiter, timeout: 0, ephemeralCache: false, analytics: false, enableTelemetry: false });
      await ratelimit.limit("learn").catch(() => {});
    }
    return scripts;
  })();
  return learned;
}
