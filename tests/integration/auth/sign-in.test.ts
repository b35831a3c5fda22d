import { randomUUID } from "node:crypto";
import { describe, expect, it } from "vitest";
import { hashPassword } from "@/lib/auth/password";
import { verifyCredentials } from "@/lib/auth/sign-in";
import { db } from "@/lib/db/client";

const PASSWORD = "a long and sturdy passphrase";

async function makeAccount(disabled = false) {
  const email = `signin-${randomUUID().slice(0, 8)}@example.test`;
  const user = await db.user.create({ data: { email, passwordHash: await hashPassword(PASSWORD), disabledAt: disabled ? new Date() : null } });
  return user;
}

const meta = (ip = `198.51.100.${Math.floor(Math.random() * 250) + 1}`) => ({ requestId: randomUUID().replaceAll("-", ""), ip, userAgent: "vitest" });

async function platformEvents(label: string) {
  return db.auditLog.findMany({ where: { chain: "platform", actorLabel: label }, orderBy: { seq: "asc" } });
}

describe("password sign-in", () => {
  it("stores an argon2id hash, never the password", async () => {
    const user = await makeAccount();
    expect(user.passwordHash).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
    expect(user.passwordHash).not.toContain(PASSWORD);
  });

  it("accepts the right password (any email case) and audits success and failure", async () => {
    const user = await makeAccount();
    expect(await verifyCredentials({ email: user.email.toUpperCase(), password: PASSWORD }, meta())).toMatchObject({ ok: true, user: { id: user.id } });
    expect(await verifyCredentials({ email: user.email, password: "wrong password!!" }, meta())).toEqual({ ok: false, reason: "invalid" });
    const actions = (await platformEvents(user.email)).map((e) => [e.action, e.metadata]);
    expect(actions).toEqual([
      ["auth.sign_in.succeeded", {}],
      ["auth.sign_in.failed", { reason: "wrong_password" }],
    ]);
  });

  it("answers an unknown email like a wrong password, and audits it anonymously", async () => {
    const email = `ghost-${randomUUID().slice(0, 8)}@example.test`;
    expect(await verifyCredentials({ email, password: PASSWORD }, meta())).toEqual({ ok: false, reason: "invalid" });
    const [event] = await platformEvents(email);
    expect(event).toMatchObject({ action: "auth.sign_in.failed", actorType: "ANONYMOUS", metadata: { reason: "unknown_email" } });
  });

  it("refuses a disabled account even with the right password", async () => {
    const user = await makeAccount(true);
    expect(await verifyCredentials({ email: user.email, password: PASSWORD }, meta())).toEqual({ ok: false, reason: "disabled" });
  });

  it("limits attempts per email across addresses, even for the right password afterwards", async () => {
    const user = await makeAccount();
    const outcomes = [];
    for (let i = 0; i < 12; i++) outcomes.push((await verifyCredentials({ email: user.email, password: "wrong password!!" }, meta())).ok ? "ok" : "no");
    const last = await verifyCredentials({ email: user.email, password: PASSWORD }, meta());
    expect(last).toEqual({ ok: false, reason: "rate_limited" });
    const events = await platformEvents(user.email);
    expect(events.filter((e) => e.action === "auth.sign_in.rate_limited").length).toBeGreaterThan(0);
  });

  it("limits attempts per client address across emails", async () => {
    const ip = "203.0.113.200";
    const results = [];
    for (let i = 0; i < 25; i++) {
      results.push((await verifyCredentials({ email: `spray-${i}-${randomUUID().slice(0, 4)}@example.test`, password: "whatever12345" }, meta(ip))).ok ? "" : "x");
    }
    const last = await verifyCredentials({ email: "one-more@example.test", password: "whatever12345" }, meta(ip));
    expect(last).toEqual({ ok: false, reason: "rate_limited" });
  });
});
