import "server-only";
import nodemailer, { type Transporter } from "nodemailer";
import type Mail from "nodemailer/lib/mailer";
import type SMTPTransport from "nodemailer/lib/smtp-transport";
import { env } from "@/lib/env";

/**
 * Optional outgoing mail: one SMTP transporter, created on first use from
 * SMTP_URL and MAIL_FROM (validated together in lib/env.ts). Without them,
 * `mailConfigured()` is false and nothing here opens a connection.
 */
const TIMEOUT_MS = 10_000;
/** Bound on one whole send (connect, TLS, auth, envelope, data), whatever the server's pace. */
const SEND_DEADLINE_MS = 20_000;

const LOOPBACK = /^(localhost|127(\.\d{1,3}){3}|\[::1\])$/i;

/** Only what SMTP_URL says about the server: scheme, credentials, host, port. */
export function smtpOptions(smtpUrl: string): SMTPTransport.Options {
  const url = new URL(smtpUrl);
  const secure = url.protocol === "smtps:";
  return {
    host: url.hostname.replace(/^\[(.*)\]$/, "$1"),
    port: url.port ? Number(url.port) : secure ? 465 : 587,
    secure,
    // Plain smtp:// must upgrade with STARTTLS before credentials or links cross
    // the network; only a relay on this machine may speak in the clear.
    requireTLS: !secure && !LOOPBACK.test(url.hostname),
    auth: url.username ? { user: decodeURIComponent(url.username), pass: decodeURIComponent(url.password) } : undefined,
    connectionTimeout: TIMEOUT_MS,
    greetingTimeout: TIMEOUT_MS,
    socketTimeout: TIMEOUT_MS,
    dnsTimeout: TIMEOUT_MS,
    logger: false,
    debug: false,
    disableFileAccess: true,
    disableUrlAccess: true,
  };
}

let transporter: Transporter<SMTPTransport.SentMessageInfo> | undefined;

export function mailConfigured(): boolean {
  const { SMTP_URL, MAIL_FROM } = env();
  return Boolean(SMTP_URL && MAIL_FROM);
}

function transport(): Transporter<SMTPTransport.SentMessageInfo> {
  const { SMTP_URL } = env();
  if (!SMTP_URL) throw new Error("mail is not configured");
  transporter ??= nodemailer.createTransport(smtpOptions(SMTP_URL));
  return transporter;
}

export interface OutgoingMail {
  to: string;
  subject: string;
  text: string;
  html: string;
}

/** Send one message from MAIL_FROM. Rejects on any failure; callers decide what that means. */
export async function sendMail(mail: OutgoingMail): Promise<void> {
  // `signal` (nodemailer ≥ 10.5) aborts the send and closes its connection at the deadline.
  const message: Mail.Options & { signal: AbortSignal } = { ...mail, from: env().MAIL_FROM, signal: AbortSignal.timeout(SEND_DEADLINE_MS) };
  await transport().sendMail(message);
}
