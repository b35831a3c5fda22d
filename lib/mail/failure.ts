/** Why a message was not sent: short codes, safe to show the inviter (no server text, no secrets). */
export const MAIL_FAILURES = ["not_configured", "unreachable", "timeout", "auth_failed", "rejected", "failed"] as const;
export type MailFailure = (typeof MAIL_FAILURES)[number];

const BY_CODE = new Map<string, MailFailure>(Object.entries({
  ETIMEDOUT: "timeout",
  EABORT: "timeout",
  ECONNECTION: "unreachable",
  ECONNREFUSED: "unreachable",
  ESOCKET: "unreachable",
  EDNS: "unreachable",
  ETLS: "unreachable",
  EAUTH: "auth_failed",
  ENOAUTH: "auth_failed",
  EENVELOPE: "rejected",
  EMESSAGE: "rejected",
} satisfies Record<string, MailFailure>));

/** Classify a nodemailer error by its code (and SMTP reply code), never by its message. */
export function mailFailure(error: unknown): MailFailure {
  const { code, responseCode } = (typeof error === "object" && error !== null ? error : {}) as { code?: unknown; responseCode?: unknown };
  const known = typeof code === "string" ? BY_CODE.get(code) : undefined;
  if (known) return known;
  return typeof responseCode === "number" && responseCode >= 500 ? "rejected" : "failed";
}
