import { createHash } from "node:crypto";

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
