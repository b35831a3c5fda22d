import { afterAll, describe, expect, it, vi } from "vitest";
import { POST as invite } from "@/app/api/v1/orgs/[orgId]/invitations/route";
import { db } from "@/lib/db/client";
import { inviteMemberAction } from "@/lib/members/actions";
import { hashInvitationToken } from "@/lib/members/invitations";
import { makeTenant, makeUser, sessionCookie } from "../../support/fixtures";
import { callRoute } from "../../support/http";
import { scope } from "../../support/next-request-scope";
import { parseMail, startSmtpServer } from "./smtp";

vi.mock("next/headers", async () => (await import("../../support/next-request-scope")).nextHeadersMock);

// A real SMTP server for this file, configured before anything reads env()
// (which is cached per process; every test file runs in a fork of its own).
const LOGIN = { user: "gatehouse", pass: "s3cret p@ss/word" };
const FROM = "no-reply@gatehouse.test";
const smtp = await startSmtpServer(LOGIN);
process.env.SMTP_URL = `smtp://${LOGIN.user}:${encodeURIComponent(LOGIN.pass)}@127.0.0.1:${smtp.port}`;
process.env.MAIL_FROM = `Gatehouse <${FROM}>`;

afterAll(() => smtp.close());

interface Created {
  id: string;
  email: string;
  inviteUrl: string;
  emailSent: boolean;
  emailError?: string;
}

const json = (value: unknown) => JSON.stringify(value, (_key, v: unknown) => (typeof v === "bigint" ? v.toString() : v));

function tokenOf(url: string): string {
  return decodeURIComponent(url.slice(url.lastIndexOf("/") + 1));
}

/** Everything the process writes to stdout and stderr while `run` runs. */
async function captureOutput<T>(run: () => Promise<T>): Promise<{ result: T; output: string }> {
  const chunks: string[] = [];
  const originals = { out: process.stdout.write, err: process.stderr.write };
  const tap = ((chunk: unknown) => {
    chunks.push(typeof chunk === "string" ? chunk : Buffer.from(chunk as Uint8Array).toString("utf8"));
    return true;
  }) as typeof process.stdout.write;
  process.stdout.write = tap;
  process.stderr.write = tap;
  try {
    return { result: await run(), output: chunks.join("") };
  } finally {
    process.stdout.write = originals.out;
    process.stderr.write = originals.err;
  }
}

async function inviteAs(userId: string, orgId: string, email: string) {
  const res = await callRoute(invite, "POST", "/x", { cookie: await sessionCookie(userId), params: { orgId }, body: { email, role: "DEVELOPER" } });
  return { status: res.status, body: res.json as Created };
}

describe("invitation email", () => {
  it("emails the invitee exactly one message whose link carries the token of the stored hash", async () => {
    const t = await makeTenant("Mail");
    const invitee = await makeUser("mailed");
    const before = smtp.received.length;
    const { result: res, output } = await captureOutput(() => inviteAs(t.members.ADMIN.user.id, t.org.id, invitee.email));

    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ email: invitee.email, emailSent: true });
    expect(res.body).not.toHaveProperty("emailError");
    const token = tokenOf(res.body.inviteUrl);
    const stored = await db.invitation.findUniqueOrThrow({ where: { id: res.body.id } });
    expect(stored.tokenHash).toBe(hashInvitationToken(token));

    const messages = smtp.received.slice(before);
    expect(messages).toHaveLength(1);
    const [message] = messages;
    expect(message!.user).toBe(LOGIN.user);
    expect(message!.mailFrom).toBe(FROM);
    expect(message!.rcptTo).toEqual([invitee.email]);
    const mail = parseMail(message!.raw);
    expect(mail.headers.get("to")).toBe(invitee.email);
    expect(mail.headers.get("from")).toBe(`Gatehouse <${FROM}>`);
    expect(mail.headers.get("subject")).toBe(`You are invited to join ${t.org.name} on Gatehouse`);
    expect(mail.text).toContain(res.body.inviteUrl);
    expect(mail.text).toContain(t.members.ADMIN.user.email);
    expect(mail.html).toContain(`href="${res.body.inviteUrl}"`);
    expect(tokenOf(/\/invite\/[^\s"<]+/.exec(mail.text)![0])).toBe(token);

    // Neither the logs nor the audit trail hold the token or the link.
    expect(output).not.toContain(token);
    const audit = await db.auditLog.findMany({ where: { orgId: t.org.id } });
    expect(audit.map((e) => e.action)).toEqual(["member.invited"]);
    expect(json(audit)).not.toContain(token);
    expect(json(audit)).not.toContain(res.body.inviteUrl);
  });

  it("escapes the org name and the inviter in the HTML body", async () => {
    const t = await makeTenant("Escape");
    await db.org.update({ where: { id: t.org.id }, data: { name: `<script>alert(1)</script> & "Co"` } });
    const invitee = await makeUser("escaped");
    const before = smtp.received.length;
    const res = await inviteAs(t.members.OWNER.user.id, t.org.id, invitee.email);
    expect(res.status).toBe(201);
    expect(res.body.emailSent).toBe(true);

    const mail = parseMail(smtp.received.slice(before)[0]!.raw);
    expect(mail.html).not.toContain("<script>");
    expect(mail.html).toContain("&lt;script&gt;alert(1)&lt;/script&gt; &amp; &quot;Co&quot;");
    expect(mail.headers.get("subject")).toBe(`You are invited to join <script>alert(1)</script> & "Co" on Gatehouse`);
    expect(mail.text).toContain(`<script>alert(1)</script> & "Co"`);
  });

  it("tells the console form that the invitation was emailed, and still hands it the link", async () => {
    const t = await makeTenant("Action");
    const invitee = await makeUser("console");
    const before = smtp.received.length;
    scope.cookie = await sessionCookie(t.members.ADMIN.user.id);
    try {
      const result = await inviteMemberAction(null, { orgId: t.org.id, email: invitee.email, role: "VIEWER" });
      expect(result).toMatchObject({ ok: true, data: { email: invitee.email, role: "VIEWER", emailSent: true } });
      const link = result.ok ? result.data.inviteUrl : "";
      expect(link).toContain("/invite/ghi_");
      expect(smtp.received.slice(before)).toHaveLength(1);
      expect(parseMail(smtp.received[before]!.raw).text).toContain(link);
    } finally {
      scope.cookie = "";
    }
  });

  it("keeps the invitation and still returns the link when the mail server is down, logging no secret", async () => {
    const t = await makeTenant("Down");
    const invitee = await makeUser("unmailed");
    await smtp.close();

    const { result: res, output } = await captureOutput(() => inviteAs(t.members.ADMIN.user.id, t.org.id, invitee.email));
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ email: invitee.email, emailSent: false, emailError: "unreachable" });
    const token = tokenOf(res.body.inviteUrl);
    expect(token).toMatch(/^ghi_/);

    const stored = await db.invitation.findUniqueOrThrow({ where: { id: res.body.id } });
    expect(stored).toMatchObject({ email: invitee.email, acceptedAt: null, revokedAt: null, tokenHash: hashInvitationToken(token) });
    const audit = await db.auditLog.findMany({ where: { orgId: t.org.id } });
    expect(audit.map((e) => e.action)).toEqual(["member.invited"]);

    // The failure is logged, with neither the link, the token nor the SMTP password.
    expect(output).toContain("invitation email not sent");
    expect(output).toContain(res.body.id);
    expect(output).not.toContain(token);
    expect(output).not.toContain(encodeURIComponent(token));
    expect(output).not.toContain("/invite/");
    expect(output).not.toContain(LOGIN.pass);
    expect(output).not.toContain(encodeURIComponent(LOGIN.pass));
  });
});
