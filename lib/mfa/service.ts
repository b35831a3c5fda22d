import "server-only";
import QRCode from "qrcode";
import { SYSTEM_ACTOR, type Actor, type AuditAction } from "@/lib/audit/actions";
import { recordAudit } from "@/lib/audit/record";
import { db, type Tx } from "@/lib/db/client";
import { checkRateLimit } from "@/lib/ratelimit";
import type { UserContext, UserPrincipal } from "@/lib/security/context";
import { AppError } from "@/lib/security/errors";
import type { RequestMeta } from "@/lib/security/request-meta";
import { open, seal, VaultError, type Binding, type Sealed } from "@/lib/vault/envelope";
import { lockActiveKek } from "@/lib/vault/rewrap";
import { verifiedRing } from "@/lib/vault/ring";
import { hashRecoveryCode, newRecoveryCodes, normalizeRecoveryCode } from "./recovery-codes";
import { matchTotp, newTotpSecret, normalizeTotp, otpauthUri } from "./totp";

/**
 * A user's TOTP second factor: enrolment (a secret sealed under the vault's
 * envelope encryption, shown once as a QR code and as text, confirmed by a
 * first code), the check itself (a code is accepted once: `lastStep` holds the
 * last accepted step and only a conditional UPDATE that moves it forward
 * admits a code, so two requests racing with one code cannot both pass), ten
 * single-use recovery codes, regeneration, disabling and the operator reset.
 * Enrolment, every check, failures, recovery-code use and reset are audited
 * on the platform chain; failed checks are rate limited per user (fail closed).
 */
export interface MfaStatus {
  enabled: boolean;
  enabledAt: Date | null;
  recoveryCodesLeft: number;
}

export interface Enrolment {
  /** Base32, for typing into an app that cannot scan. */
  secret: string;
  uri: string;
  /** The QR code of `uri`, an SVG document. */
  qrSvg: string;
}

/** A pending enrolment older than this starts over with a new secret. */
const ENROLMENT_TTL_MS = 30 * 60 * 1000;

/** Prisma's Bytes fields take a Uint8Array over a plain ArrayBuffer. */
const bytes = (buffer: Buffer) => new Uint8Array(buffer);

/**
 * The AAD of a user's TOTP secret: the envelope's binding with the user's row
 * as the "credential" and "totp" as the provider, so a sealed secret moved to
 * another user's row fails its integrity check. A user has no org: "user".
 */
export const mfaBinding = (userId: string): Binding => ({ orgId: "user", credentialId: userId, projectId: null, provider: "totp", fingerprint: "", last4: "" });

const sealedOf = (row: { formatVersion: number; kekId: string; wrappedDek: Uint8Array; ciphertext: Uint8Array }): Sealed => ({
  formatVersion: row.formatVersion,
  kekId: row.kekId,
  wrappedDek: Buffer.from(row.wrappedDek),
  ciphertext: Buffer.from(row.ciphertext),
});

function audit(tx: Tx, action: AuditAction, actor: Actor, userId: string, request: RequestMeta | null, metadata: Record<string, unknown> = {}) {
  return recordAudit(tx, { action, orgId: null, actor, target: { type: "user", id: userId }, metadata, request });
}

export async function mfaStatus(userId: string): Promise<MfaStatus> {
  const [row, left] = await Promise.all([
    db.userMfa.findUnique({ where: { userId }, select: { enabledAt: true } }),
    db.mfaRecoveryCode.count({ where: { userId, usedAt: null } }),
  ]);
  const enabled = Boolean(row?.enabledAt);
  return { enabled, enabledAt: row?.enabledAt ?? null, recoveryCodesLeft: enabled ? left : 0 };
}

async function openSecret(userId: string, row: Parameters<typeof sealedOf>[0]): Promise<string> {
  return open(await verifiedRing(), mfaBinding(userId), sealedOf(row));
}

async function enrolmentOf(principal: UserPrincipal, secret: string): Promise<Enrolment> {
  const uri = otpauthUri(secret, principal.email);
  const qrSvg = await QRCode.toString(uri, { type: "svg", errorCorrectionLevel: "M", margin: 1 });
  return { secret, uri, qrSvg };
}

/**
 * The enrolment awaiting its first code: the pending one while it is fresh
 * (a reload shows the same QR code), else a new secret. Refused once MFA is
 * enabled: regenerate recovery codes or disable it instead.
 */
export async function pendingEnrolment(principal: UserPrincipal): Promise<Enrolment> {
  const userId = principal.userId;
  const row = await db.userMfa.findUnique({ where: { userId } });
  if (row?.enabledAt) throw new AppError("conflict", "Two-factor authentication is already set up for this account.");
  let unreadable = false;
  if (row && Date.now() - row.updatedAt.getTime() < ENROLMENT_TTL_MS) {
    try {
      return await enrolmentOf(principal, await openSecret(userId, row));
    } catch (error) {
      if (!(error instanceof VaultError)) throw error;
      unreadable = true;
    }
  }
  const ring = await verifiedRing();
  const secret = newTotpSecret();
  const sealed = seal(ring, mfaBinding(userId), secret);
  const data = { formatVersion: sealed.formatVersion, kekId: sealed.kekId, wrappedDek: bytes(sealed.wrappedDek), ciphertext: bytes(sealed.ciphertext), lastStep: null };
  const stored = await db.$transaction(async (tx) => {
    await lockActiveKek(tx, sealed.kekId);
    // Never replaces an enabled enrolment, even one confirmed a moment ago in another tab, nor a
    // fresh pending one another request (a second render of this page) stored meanwhile.
    const stale = unreadable ? {} : { updatedAt: { lt: new Date(Date.now() - ENROLMENT_TTL_MS) } };
    const replaced = await tx.userMfa.updateMany({ where: { userId, enabledAt: null, ...stale }, data });
    if (replaced.count > 0) return true;
    const created = await tx.userMfa.createMany({ data: [{ userId, ...data }], skipDuplicates: true });
    return created.count > 0;
  });
  if (stored) return enrolmentOf(principal, secret);
  // Someone else's write won: show their pending enrolment (the same QR code), unless it was just confirmed.
  const current = await db.userMfa.findUnique({ where: { userId } });
  if (!current || current.enabledAt) throw new AppError("conflict", "Two-factor authentication is already set up for this account.");
  return enrolmentOf(principal, await openSecret(userId, current));
}

async function limitAttempts(ctx: UserContext): Promise<void> {
  const result = await checkRateLimit("mfa", `user:${ctx.principal.userId}`);
  if (!result.success) {
    await db.$transaction((tx) => audit(tx, "auth.mfa.failed", ctx.actor, ctx.principal.userId, ctx.request, { reason: "rate_limited" }));
    throw new AppError("rate_limited", "Too many code attempts. Wait a few minutes, then try again.");
  }
}

async function refuse(ctx: UserContext, reason: string, message: string): Promise<never> {
  await db.$transaction((tx) => audit(tx, "auth.mfa.failed", ctx.actor, ctx.principal.userId, ctx.request, { reason }));
  throw new AppError("validation_failed", message, { issues: [{ path: "code", message }] });
}

const WRONG_CODE = "That code is not valid. Enter the current code from your authenticator app.";

/** Fresh recovery codes replace every earlier one; returns them in clear, for showing once. */
async function replaceRecoveryCodes(tx: Tx, userId: string): Promise<string[]> {
  const codes = newRecoveryCodes();
  await tx.mfaRecoveryCode.deleteMany({ where: { userId } });
  await tx.mfaRecoveryCode.createMany({ data: codes.map((code) => ({ userId, hash: hashRecoveryCode(normalizeRecoveryCode(code)!) })) });
  return codes;
}

/**
 * Accept a TOTP code once: the step it matches must be after the last
 * accepted one, and the UPDATE that records it only succeeds if no other
 * request recorded that step (or a later one) first. Returns the step, or null.
 */
async function consumeTotp(tx: Tx | typeof db, userId: string, row: { lastStep: bigint | null } & Parameters<typeof sealedOf>[0], code: string, enabled: boolean): Promise<number | null> {
  const afterStep = row.lastStep === null ? null : Number(row.lastStep);
  const step = await matchTotp(await openSecret(userId, row), code, { afterStep });
  if (step === null) return null;
  const at = BigInt(step);
  const updated = enabled
    ? await tx.$executeRaw`UPDATE user_mfa SET last_step = ${at}, updated_at = now()
         WHERE user_id = ${userId}::uuid AND enabled_at IS NOT NULL AND (last_step IS NULL OR last_step < ${at})`
    : await tx.$executeRaw`UPDATE user_mfa SET last_step = ${at}, enabled_at = now(), updated_at = now()
         WHERE user_id = ${userId}::uuid AND enabled_at IS NULL AND (last_step IS NULL OR last_step < ${at})`;
  return updated === 1 ? step : null;
}

/** Confirm a pending enrolment with its first code: MFA is on, and the ten recovery codes come back once. */
export async function confirmEnrolment(ctx: UserContext, code: string): Promise<{ recoveryCodes: string[] }> {
  await limitAttempts(ctx);
  const userId = ctx.principal.userId;
  const row = await db.userMfa.findUnique({ where: { userId } });
  if (!row) throw new AppError("conflict", "Start setting up two-factor authentication first.");
  if (row.enabledAt) throw new AppError("conflict", "Two-factor authentication is already set up for this account.");
  if (!normalizeTotp(code)) return refuse(ctx, "malformed", "Enter the 6-digit code from your authenticator app.");
  const result = await db.$transaction(async (tx) => {
    const step = await consumeTotp(tx, userId, row, code, false);
    if (step === null) return null;
    const recoveryCodes = await replaceRecoveryCodes(tx, userId);
    await audit(tx, "auth.mfa.enrolled", ctx.actor, userId, ctx.request, { method: "totp", recoveryCodes: recoveryCodes.length });
    return { recoveryCodes };
  });
  if (!result) return refuse(ctx, "enrolment_code", WRONG_CODE);
  return result;
}

export type MfaMethod = "totp" | "recovery_code";

/**
 * The MFA check of a signed-in user: a current TOTP code, or one of their
 * unused recovery codes (spent by this use). Throws validation_failed on the
 * `code` field when neither matches.
 */
export async function verifyMfa(ctx: UserContext, code: string): Promise<{ method: MfaMethod; recoveryCodesLeft: number | null }> {
  await limitAttempts(ctx);
  const userId = ctx.principal.userId;
  const row = await db.userMfa.findUnique({ where: { userId } });
  if (!row?.enabledAt) throw new AppError("conflict", "Two-factor authentication is not set up for this account.");
  if (normalizeTotp(code)) {
    const step = await db.$transaction(async (tx) => {
      const accepted = await consumeTotp(tx, userId, row, code, true);
      if (accepted !== null) await audit(tx, "auth.mfa.verified", ctx.actor, userId, ctx.request, { method: "totp" });
      return accepted;
    });
    if (step === null) return refuse(ctx, "wrong_or_reused_code", WRONG_CODE);
    return { method: "totp", recoveryCodesLeft: null };
  }
  const recovery = normalizeRecoveryCode(code);
  if (!recovery) return refuse(ctx, "malformed", "Enter the 6-digit code from your authenticator app, or one of your recovery codes.");
  const left = await db.$transaction(async (tx) => {
    // Spent by whichever request marks it first; the same code never counts twice.
    const spent = await tx.mfaRecoveryCode.updateMany({ where: { userId, hash: hashRecoveryCode(recovery), usedAt: null }, data: { usedAt: new Date() } });
    if (spent.count !== 1) return null;
    const remaining = await tx.mfaRecoveryCode.count({ where: { userId, usedAt: null } });
    await audit(tx, "auth.mfa.recovery_code_used", ctx.actor, userId, ctx.request, { recoveryCodesLeft: remaining });
    return remaining;
  });
  if (left === null) return refuse(ctx, "wrong_or_used_recovery_code", "That recovery code is not valid or was already used.");
  return { method: "recovery_code", recoveryCodesLeft: left };
}

/** A current TOTP code (not a recovery code) proves the user holds the authenticator before a change to it. */
async function requireCurrentCode(tx: Tx, ctx: UserContext, code: string): Promise<boolean> {
  const row = await tx.userMfa.findUnique({ where: { userId: ctx.principal.userId } });
  if (!row?.enabledAt) throw new AppError("conflict", "Two-factor authentication is not set up for this account.");
  if (!normalizeTotp(code)) return false;
  return (await consumeTotp(tx, ctx.principal.userId, row, code, true)) !== null;
}

export async function regenerateRecoveryCodes(ctx: UserContext, code: string): Promise<{ recoveryCodes: string[] }> {
  await limitAttempts(ctx);
  const result = await db.$transaction(async (tx) => {
    if (!(await requireCurrentCode(tx, ctx, code))) return null;
    const recoveryCodes = await replaceRecoveryCodes(tx, ctx.principal.userId);
    await audit(tx, "auth.mfa.recovery_codes_regenerated", ctx.actor, ctx.principal.userId, ctx.request, { recoveryCodes: recoveryCodes.length });
    return { recoveryCodes };
  });
  if (!result) return refuse(ctx, "regenerate_code", WRONG_CODE);
  return result;
}

/** The orgs in which this user is an active OWNER or ADMIN and MFA is required of them. */
export async function orgsRequiringMfa(userId: string): Promise<{ name: string; slug: string }[]> {
  const rows = await db.membership.findMany({
    where: {
      userId,
      status: "ACTIVE",
      role: { in: ["OWNER", "ADMIN"] },
      org: { deletedAt: null, OR: [{ settings: { is: { requireMfaForAdmins: true } } }, { settings: { is: null } }] },
    },
    select: { org: { select: { name: true, slug: true } } },
    orderBy: { org: { name: "asc" } },
  });
  return rows.map((r) => r.org);
}

/**
 * Turn MFA off (with a current code). Refused while an org requires it of the
 * user (they are its OWNER or ADMIN): leaving them without it would lock them
 * out of that org, and a stolen session must not be able to lower the bar.
 */
export async function disableMfa(ctx: UserContext, code: string): Promise<void> {
  const requiring = await orgsRequiringMfa(ctx.principal.userId);
  if (requiring.length > 0) {
    throw new AppError(
      "conflict",
      `Two-factor authentication is required of you as an owner or admin of ${requiring.map((o) => o.name).join(", ")}: it cannot be turned off.`,
    );
  }
  await limitAttempts(ctx);
  const done = await db.$transaction(async (tx) => {
    if (!(await requireCurrentCode(tx, ctx, code))) return false;
    await tx.mfaRecoveryCode.deleteMany({ where: { userId: ctx.principal.userId } });
    await tx.userMfa.delete({ where: { userId: ctx.principal.userId } });
    await audit(tx, "auth.mfa.disabled", ctx.actor, ctx.principal.userId, ctx.request);
    return true;
  });
  if (!done) await refuse(ctx, "disable_code", WRONG_CODE);
}

/**
 * The operator's reset (lost authenticator and recovery codes): the
 * enrolment and recovery codes are deleted and every session of the user
 * ends, so the next sign-in enrols again. Audited on the platform chain and
 * in every org the user belongs to.
 */
export async function resetMfa(email: string, actor: Actor = SYSTEM_ACTOR("operator-cli")): Promise<{ userId: string; email: string; hadMfa: boolean }> {
  return db.$transaction(async (tx) => {
    const user = await tx.user.findUnique({ where: { email: email.trim().toLowerCase() }, select: { id: true, email: true, mfa: { select: { enabledAt: true } }, memberships: { select: { orgId: true } } } });
    if (!user) throw new AppError("not_found", "No account with this email.");
    const hadMfa = Boolean(user.mfa?.enabledAt);
    await tx.mfaRecoveryCode.deleteMany({ where: { userId: user.id } });
    await tx.userMfa.deleteMany({ where: { userId: user.id } });
    await tx.user.update({ where: { id: user.id }, data: { sessionsValidAfter: new Date() } });
    for (const orgId of [null, ...user.memberships.map((m) => m.orgId)]) {
      await recordAudit(tx, { action: "auth.mfa.reset", orgId, actor, target: { type: "user", id: user.id }, metadata: { email: user.email, hadMfa } });
    }
    return { userId: user.id, email: user.email, hadMfa };
  });
}
