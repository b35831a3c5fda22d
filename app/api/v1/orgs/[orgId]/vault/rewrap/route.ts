import { withOrg } from "@/lib/security/route";
import { rewrapResultDto } from "@/lib/vault/schemas";
import { rewrapOrgVault } from "@/lib/vault/service";

/** Re-wrap the org's data keys under the active master key (OWNER only; idempotent). */
export const POST = withOrg({ permission: "vault.rewrap", response: rewrapResultDto, rateLimit: "keyCreation" }, (ctx) => rewrapOrgVault(ctx));
