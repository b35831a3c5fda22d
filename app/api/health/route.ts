import { z } from "zod";
import { db } from "@/lib/db/client";
import { AppError } from "@/lib/security/errors";
import { withPublic } from "@/lib/security/route";

export const dynamic = "force-dynamic";

/** Liveness and database reachability, for load balancers and the two-command check. */
export const GET = withPublic({ response: z.object({ status: z.literal("ok"), database: z.literal("ok") }) }, async () => {
  try {
    await db.$queryRaw`SELECT 1`;
  } catch {
    throw new AppError("service_unavailable", "Database unreachable.");
  }
  return { status: "ok" as const, database: "ok" as const };
});
