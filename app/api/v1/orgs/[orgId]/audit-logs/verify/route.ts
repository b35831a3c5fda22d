import { verifyAuditChain } from "@/lib/audit/verify";
import { chainVerdictDto } from "@/lib/audit/schemas";
import { withOrg } from "@/lib/security/route";

export const GET = withOrg({ permission: "audit.read", response: chainVerdictDto }, async (ctx) => verifyAuditChain(ctx.orgId));
