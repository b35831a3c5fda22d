import "server-only";
import { randomBytes } from "node:crypto";
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { z } from "zod";
import { KEK_ID, parseKeyRing } from "@/lib/vault/keyring";

/**
 * All configuration, validated once. In production the app refuses to start
 * without its secrets; in development and tests it creates local ones under
 * .data/ (mode 0600) and says so.
 */
const base64Key = z
  .string()
  .refine((value) => Buffer.from(value, "base64").length === 32, "must be 32 bytes, base64-encoded");

/** smtp://user:pass@host:587 (STARTTLS) or smtps://user:pass@host:465; nothing after the port. */
const smtpUrl = z
  .url({ protocol: /^smtps?$/, message: "must be an smtp:// or smtps:// URL" })
  .refine((value) => {
    const url = new URL(value);
    return url.hostname !== "" && (url.pathname === "" || url.pathname === "/") && !url.search && !url.hash;
  }, "must be smtp(s)://[user:password@]host[:port] with no path or query");

/** `no-reply@example.com` or `Gatehouse <no-reply@example.com>`, on one line. */
const mailFrom = z
  .string()
  .trim()
  .refine((value) => {
    if (/[\r\n\0]/.test(value)) return false;
    const angle = /^[^<>]*<([^<>]+)>$/.exec(value);
    return z.email().safeParse(angle ? angle[1] : value).success;
  }, "must be an email address, optionally with a name: Gatehouse <no-reply@example.com>");

const schema = z.object({
  NODE_ENV: z.enum(["development", "production", "test"]).default("development"),
  DATABASE_URL: z.url({ protocol: /^postgres(ql)?$/ }),
  NEXTAUTH_SECRET: z.string().min(32, "must be at least 32 characters"),
  NEXTAUTH_URL: z.url().optional(),
  CRON_SECRET: z.string().min(16, "must be at least 16 characters"),
  MASTER_KEYS: z.string().optional(),
  MASTER_KEY: base64Key.optional(),
  MASTER_KEY_ID: z.string().regex(KEK_ID, "1-32 characters of A-Z a-z 0-9 _ -").default("v1"),
  ALLOWED_SIGNUP_DOMAINS: z
    .string()
    .default("")
    .transform((value) => value.split(",").map((d) => d.trim().toLowerCase()).filter(Boolean)),
  TRUSTED_PROXY_HOPS: z.coerce.number().int().min(0).max(10).default(0),
  REDIS_URL: z.url().optional(),
  UPSTASH_REDIS_REST_URL: z.url().optional(),
  UPSTASH_REDIS_REST_TOKEN: z.string().optional(),
  SMTP_URL: smtpUrl.optional(),
  MAIL_FROM: mailFrom.optional(),
  INVITATION_TTL_HOURS: z.coerce.number().int().min(1).max(24 * 30).default(72),
  RATE_LIMIT_API_KEY_PER_MINUTE: z.coerce.number().int().min(1).max(1_000_000).default(600),
  RATE_LIMIT_ORG_PER_MINUTE: z.coerce.number().int().min(1).max(10_000_000).default(6_000),
  RATE_LIMIT_SIGNUP_PER_HOUR: z.coerce.number().int().min(1).max(10_000).default(10),
  OPENAI_BASE_URL: z.url({ protocol: /^https?$/ }).default("https://api.openai.com/v1"),
  ANTHROPIC_BASE_URL: z.url({ protocol: /^https?$/ }).default("https://api.anthropic.com"),
  GATEWAY_ALLOW_PRIVATE_UPSTREAMS: z.enum(["true", "false", "1", "0"]).default("false").transform((v) => v === "true" || v === "1"),
  SSO_ALLOW_PRIVATE_ISSUERS: z.enum(["true", "false", "1", "0"]).optional().transform((v) => (v === undefined ? undefined : v === "true" || v === "1")),
  DNS_SERVERS: z
    .string()
    .default("")
    .transform((value) => value.split(",").map((s) => s.trim()).filter(Boolean)),
  GATEWAY_UPSTREAM_TIMEOUT_MS: z.coerce.number().int().min(1_000).max(15 * 60_000).default(120_000),
  GATEWAY_MAX_BODY_BYTES: z.coerce.number().int().min(1_024).max(64 * 1024 * 1024).default(4 * 1024 * 1024),
  LOG_LEVEL: z.enum(["debug", "info", "warn", "error", "silent"]).default("info"),
  RETENTION_SECRET: z.string().min(16, "must be at least 16 characters").optional(),
  RETENTION_BUDGET_MS: z.coerce.number().int().min(1_000).max(15 * 60_000).default(20_000),
  RETENTION_BATCH_SIZE: z.coerce.number().int().min(100).max(50_000).default(5_000),
  RETENTION_INTERVAL_MINUTES: z.coerce.number().int().min(0).max(24 * 60).default(60),
  AUDIT_CHECKPOINT_KEY: z.string().min(32, "must be at least 32 characters").optional(),
  GATEHOUSE_EMBEDDED: z.enum(["true", "false", "1", "0"]).default("false").transform((v) => v === "true" || v === "1"),
  GATEHOUSE_BENCH: z.enum(["true", "false", "1", "0"]).default("false").transform((v) => v === "true" || v === "1"),
});

export type Env = z.infer<typeof schema>;

const SECRET_NAMES = ["NEXTAUTH_SECRET", "CRON_SECRET", "MASTER_KEY"] as const;

function localSecrets(): Record<(typeof SECRET_NAMES)[number], string> {
  const dir = path.join(process.cwd(), ".data");
  const file = path.join(dir, "secrets.json");
  if (existsSync(file)) return JSON.parse(readFileSync(file, "utf8"));
  mkdirSync(dir, { recursive: true });
  const secrets = {
    NEXTAUTH_SECRET: randomBytes(32).toString("base64url"),
    CRON_SECRET: randomBytes(24).toString("base64url"),
    MASTER_KEY: randomBytes(32).toString("base64"),
  };
  writeFileSync(file, JSON.stringify(secrets, null, 2), { mode: 0o600 });
  chmodSync(file, 0o600);
  console.warn(`[gatehouse] created local development secrets in ${file} (never use them in production)`);
  return secrets;
}

export function parseEnv(source: NodeJS.ProcessEnv): Env {
  // An empty variable (`NAME=` in a .env file) means "not set".
  const input: Record<string, string | undefined> = Object.fromEntries(
    Object.entries(source).filter(([, value]) => value !== undefined && value !== ""),
  );
  // A configured key ring stands in for the local master key.
  const missing = SECRET_NAMES.filter((name) => !input[name] && !(name === "MASTER_KEY" && input.MASTER_KEYS));
  if (input.NODE_ENV !== "production" && missing.length > 0) {
    const secrets = localSecrets();
    for (const name of missing) input[name] = secrets[name];
  }
  const parsed = schema.safeParse(input);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((issue) => `  - ${issue.path.join(".")}: ${issue.message}`);
    throw new Error(`Invalid configuration (see .env.example):\n${lines.join("\n")}`);
  }
  const env = parsed.data;
  const problems: string[] = [];
  if (env.NODE_ENV === "production" && !env.MASTER_KEY && !env.MASTER_KEYS) problems.push("MASTER_KEYS or MASTER_KEY: required in production");
  else {
    const ring = parseKeyRing(env);
    if ("problems" in ring) problems.push(...ring.problems.map((p) => `master key ring: ${p}`));
  }
  if (Boolean(env.UPSTASH_REDIS_REST_URL) !== Boolean(env.UPSTASH_REDIS_REST_TOKEN)) {
    problems.push("UPSTASH_REDIS_REST_URL and UPSTASH_REDIS_REST_TOKEN: set both or neither");
  }
  if (Boolean(env.SMTP_URL) !== Boolean(env.MAIL_FROM)) problems.push("SMTP_URL and MAIL_FROM: set both (to email invitations) or neither");
  if (problems.length) throw new Error(`Invalid configuration (see .env.example):\n${problems.map((p) => `  - ${p}`).join("\n")}`);
  return env;
}

let cached: Env | undefined;

export function env(): Env {
  cached ??= parseEnv(process.env);
  return cached;
}
