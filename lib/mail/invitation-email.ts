import type { Role } from "@/lib/security/permissions";

export interface InvitationEmailInput {
  orgName: string;
  role: Role;
  invitedBy: string;
  link: string;
  expiresAt: Date;
}

export interface RenderedEmail {
  subject: string;
  text: string;
  html: string;
}

const ROLE_NAMES = { OWNER: "Owner", ADMIN: "Admin", DEVELOPER: "Developer", VIEWER: "Viewer" } as const satisfies Record<Role, string>;

const HTML_ESCAPES: Record<string, string> = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" };

/** Text made safe for HTML element content and quoted attribute values. */
export function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (c) => HTML_ESCAPES[c]!);
}

/** One line of plain text: no control characters (a subject is a header), runs of space collapsed. */
function oneLine(value: string): string {
  return value.replace(/[\u0000-\u001f\u007f\s]+/g, " ").trim();
}

function formatExpiry(date: Date): string {
  const formatted = new Intl.DateTimeFormat("en-GB", { dateStyle: "long", timeStyle: "short", timeZone: "UTC" }).format(date);
  return `${formatted} UTC`;
}

/**
 * The message that carries an invitation link to the invitee. Every value that
 * comes from a user (org name, inviter) is escaped in the HTML body and kept on
 * one line in the subject.
 */
export function renderInvitationEmail(input: InvitationEmailInput): RenderedEmail {
  const orgName = oneLine(input.orgName);
  const invitedBy = oneLine(input.invitedBy);
  const role = ROLE_NAMES[input.role];
  const expires = formatExpiry(input.expiresAt);

  const subject = `You are invited to join ${orgName} on Gatehouse`;
  const text = [
    `${invitedBy} invited you to join ${orgName} on Gatehouse as ${role}.`,
    "",
    "Accept the invitation here:",
    input.link,
    "",
    `The link works once, only for this email address, and expires on ${expires}.`,
    "If you did not expect this invitation, ignore this email.",
  ].join("\n");

  const e = escapeHtml;
  const html = `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><title>${e(subject)}</title></head>
<body style="font-family: system-ui, sans-serif; color: #18181b; line-height: 1.5;">
<p><strong>${e(invitedBy)}</strong> invited you to join <strong>${e(orgName)}</strong> on Gatehouse as ${e(role)}.</p>
<p><a href="${e(input.link)}" style="display: inline-block; padding: 8px 16px; background: #18181b; color: #ffffff; text-decoration: none; border-radius: 6px;">Accept the invitation</a></p>
<p style="font-size: 13px; color: #52525b;">Or paste this link into your browser:<br>${e(input.link)}</p>
<p style="font-size: 13px; color: #52525b;">The link works once, only for this email address, and expires on ${e(expires)}. If you did not expect this invitation, ignore this email.</p>
</body>
</html>
`;
  return { subject, text, html };
}
