/** A complete, valid production configuration for configuration tests to vary. */
export const PRODUCTION_ENV = {
  NODE_ENV: "production",
  DATABASE_URL: "postgresql://app@db.internal:5432/gatehouse",
  NEXTAUTH_SECRET: "s".repeat(43),
  CRON_SECRET: "c".repeat(32),
  MASTER_KEY: Buffer.alloc(32, 7).toString("base64"),
} as const;
