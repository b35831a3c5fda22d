import { describe, expect, it } from "vitest";
import { GET as me } from "@/app/api/v1/me/route";
import { SYSTEM_ACTOR } from "@/lib/audit/actions";
import { verifyAuditChain } from "@/lib/audit/verify";
import { setUserDisabled } from "@/lib/auth/users";
import { db } from "@/lib/db/client";
import { makeTenant, sessionCookie } from "../../support/fixtures";
import { callRoute } from "../../support/http";

describe("disabling an account", () => {
  it("stops its live session at once, restores it when re-enabled, and audits both in each org", async () => {
    const t = await makeTenant("Operator");
    const user = t.members.ADMIN.user;
    const cookie = await sessionCookie(user.id);
    await setUserDisabled(user.email.toUpperCase(), true, SYSTEM_ACTOR("operator-cli"));
    expect((await callRoute(me, "GET", "/api/v1/me", { cookie })).status).toBe(401);
    await setUserDisabled(user.email, false, SYSTEM_ACTOR("operator-cli"));
    expect((await callRoute(me, "GET", "/api/v1/me", { cookie })).status).toBe(200);
    const events = await db.auditLog.findMany({ where: { orgId: t.org.id }, orderBy: { seq: "asc" } });
    expect(events.map((e) => [e.action, e.actorType, e.actorLabel])).toEqual([
      ["user.disabled", "SYSTEM", "operator-cli"],
      ["user.enabled", "SYSTEM", "operator-cli"],
    ]);
    expect(await verifyAuditChain(t.org.id)).toMatchObject({ ok: true });
  });

  it("answers an unknown email with not_found", async () => {
    await expect(setUserDisabled("nobody@nowhere.test", true, SYSTEM_ACTOR("operator-cli"))).rejects.toMatchObject({ code: "not_found" });
  });
});
