import { describe, expect, it } from "vitest";
import { verifyAuditChain } from "@/lib/audit/verify";
import { db } from "@/lib/db/client";
import { linkSsoSignIn, SsoSignInError, type SsoSignIn } from "@/lib/sso/link";
import { ssoForEmail } from "@/lib/sso/lookup";
import { makeOrg, makeUser } from "../../support/fixtures";
import { freshDomain, makeDomain, makeOidcConnection } from "../../support/sso";

/**
 * Linking SSO sign-ins (lib/sso/link.ts, shared by OIDC and SAML): by (org,
 * issuer, subject), emails only in verified domains, just-in-time user and
 * membership, refusals audited with their reason.
 */
const request = { requestId: "link-test", ip: "203.0.113.8", userAgent: "vitest" };

async function setup() {
  const org = await makeOrg("Linked");
  const domain = freshDomain("corp");
  await makeDomain(org.id, { domain, verified: true });
  const connection = await makeOidcConnection(org.id, { issuer: "https://idp.example.com" });
  const signIn = (over: Partial<SsoSignIn> = {}): SsoSignIn => ({
    orgId: org.id,
    connectionId: connection.id,
    issuer: "https://idp.example.com",
    subject: `sub-${Math.random().toString(36).slice(2)}`,
    email: `ada@${domain}`,
    name: "Ada",
    request,
    ...over,
  });
  return { org, domain, connection, signIn };
}

async function refusal(promise: Promise<unknown>): Promise<string> {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(SsoSignInError);
  return (error as SsoSignInError).reason;
}

const events = (orgId: string, action: string) => db.auditLog.findMany({ where: { orgId, action }, orderBy: { seq: "asc" } });

describe("linkSsoSignIn", () => {
  it("creates the user and membership on first sign-in, then follows (org, issuer, subject)", async () => {
    const { org, domain, connection, signIn } = await setup();
    await db.orgSettings.update({ where: { orgId: org.id }, data: { scimDefaultRole: "DEVELOPER" } });
    const first = signIn({ email: `Grace@${domain.toUpperCase()}` });
    const linked = await linkSsoSignIn(first);
    expect(linked).toMatchObject({ email: `grace@${domain}` });
    const user = await db.user.findUniqueOrThrow({ where: { id: linked.userId } });
    expect(user.passwordHash).toBeNull();
    expect(await db.membership.findUniqueOrThrow({ where: { orgId_userId: { orgId: org.id, userId: linked.userId } } })).toMatchObject({ role: "DEVELOPER", status: "ACTIVE" });

    // The IdP now says another email (in the domain): the same user, found by subject.
    const again = await linkSsoSignIn({ ...first, email: `grace.hopper@${domain}` });
    expect(again.userId).toBe(linked.userId);
    expect(await db.ssoIdentity.findFirstOrThrow({ where: { orgId: org.id, subject: first.subject } })).toMatchObject({ email: `grace.hopper@${domain}`, connectionId: connection.id });
    expect(await db.membership.count({ where: { orgId: org.id } })).toBe(1);

    const succeeded = await events(org.id, "auth.sso.succeeded");
    expect(succeeded.map((e) => (e.metadata as { linked: string }).linked)).toEqual(["new_user", "existing"]);
    expect(await events(org.id, "member.joined")).toHaveLength(1);
    expect((await verifyAuditChain(org.id)).ok).toBe(true);
  });

  it("links the first sign-in of a verified-domain email to its existing account, keeping its membership", async () => {
    const { org, domain, signIn } = await setup();
    const existing = await db.user.create({ data: { email: `linus@${domain}`, name: "Linus", passwordHash: "x" } });
    await db.membership.create({ data: { orgId: org.id, userId: existing.id, role: "ADMIN" } });
    const linked = await linkSsoSignIn(signIn({ email: `linus@${domain}` }));
    expect(linked.userId).toBe(existing.id);
    expect((await db.membership.findUniqueOrThrow({ where: { orgId_userId: { orgId: org.id, userId: existing.id } } })).role).toBe("ADMIN");
    expect((await events(org.id, "auth.sso.succeeded"))[0]!.metadata).toMatchObject({ linked: "existing_user" });
  });

  it("refuses emails outside the org's verified domains, and pending or other orgs' domains", async () => {
    const { org, signIn } = await setup();
    const pending = freshDomain("pending");
    await makeDomain(org.id, { domain: pending });
    const elsewhere = await makeOrg("Elsewhere");
    const theirs = freshDomain("theirs");
    await makeDomain(elsewhere.id, { domain: theirs, verified: true });
    for (const email of [`eve@${pending}`, `eve@${theirs}`, "eve@gmail.com", `eve@sub.${freshDomain()}`]) {
      expect(await refusal(linkSsoSignIn(signIn({ email })))).toBe("email_domain_not_verified");
    }
    expect(await db.user.count({ where: { email: { startsWith: "eve@" } } })).toBe(0);
    const failed = await events(org.id, "auth.sso.failed");
    expect(failed).toHaveLength(4);
    expect(failed[0]).toMatchObject({ actorType: "ANONYMOUS", actorLabel: `eve@${pending}`, metadata: { reason: "email_domain_not_verified" } });
  });

  it("refuses a missing or unverified email, another issuer, a disabled connection, a suspended member and a disabled account", async () => {
    const { org, domain, connection, signIn } = await setup();
    expect(await refusal(linkSsoSignIn(signIn({ email: null })))).toBe("email_missing");
    expect(await refusal(linkSsoSignIn(signIn({ emailVerified: false })))).toBe("email_not_verified");
    expect(await refusal(linkSsoSignIn(signIn({ issuer: "https://other-idp.example.com" })))).toBe("issuer_mismatch");
    expect(await refusal(linkSsoSignIn(signIn({ subject: "" })))).toBe("subject_missing");

    const suspended = await linkSsoSignIn(signIn({ email: `sam@${domain}`, subject: "sam" }));
    await db.membership.update({ where: { orgId_userId: { orgId: org.id, userId: suspended.userId } }, data: { status: "SUSPENDED", suspendedAt: new Date() } });
    expect(await refusal(linkSsoSignIn(signIn({ email: `sam@${domain}`, subject: "sam" })))).toBe("membership_suspended");

    const disabled = await makeUser("disabled");
    await db.user.update({ where: { id: disabled.id }, data: { email: `dis@${domain}`, disabledAt: new Date() } });
    expect(await refusal(linkSsoSignIn(signIn({ email: `dis@${domain}` })))).toBe("account_disabled");

    await db.ssoConnection.update({ where: { id: connection.id }, data: { enabled: false } });
    expect(await refusal(linkSsoSignIn(signIn()))).toBe("connection_unavailable");
    const reasons = (await events(org.id, "auth.sso.failed")).map((e) => (e.metadata as { reason: string }).reason);
    expect(reasons).toEqual(["email_missing", "email_not_verified", "issuer_mismatch", "subject_missing", "membership_suspended", "account_disabled", "connection_unavailable"]);
    // The suspended member is named on the event.
    expect((await events(org.id, "auth.sso.failed"))[4]).toMatchObject({ actorType: "USER", actorId: suspended.userId });
  });

  it("keeps identities apart per org: the same subject at another org is another identity", async () => {
    const a = await setup();
    const b = await setup();
    const subject = "shared-subject";
    const inA = await linkSsoSignIn(a.signIn({ subject, email: `kim@${a.domain}` }));
    const inB = await linkSsoSignIn(b.signIn({ subject, email: `kim@${b.domain}` }));
    expect(inA.userId).not.toBe(inB.userId);
    // A connection of org B cannot sign in to org A.
    expect(await refusal(linkSsoSignIn({ ...a.signIn({ subject }), connectionId: b.connection.id }))).toBe("connection_unavailable");
  });
});

describe("email-first lookup", () => {
  it("answers SSO only for a verified domain of an org with an enabled connection", async () => {
    const { org, domain, connection } = await setup();
    expect(await ssoForEmail(`anyone@${domain}`)).toEqual({ mode: "sso", url: `/sso/${org.slug}` });
    expect(await ssoForEmail(`ANYONE@${domain.toUpperCase()}`)).toEqual({ mode: "sso", url: `/sso/${org.slug}` });
    expect(await ssoForEmail(`anyone@other-${domain}`)).toEqual({ mode: "password" });
    expect(await ssoForEmail("not an email")).toEqual({ mode: "password" });

    const pending = freshDomain();
    await makeDomain(org.id, { domain: pending });
    expect(await ssoForEmail(`anyone@${pending}`)).toEqual({ mode: "password" });

    await db.ssoConnection.update({ where: { id: connection.id }, data: { enabled: false } });
    expect(await ssoForEmail(`anyone@${domain}`)).toEqual({ mode: "password" });
  });
});
