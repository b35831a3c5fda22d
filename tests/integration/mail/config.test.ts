import { describe, expect, it } from "vitest";
import { PRODUCTION_ENV } from "../../support/production-env";
import { parseEnv } from "@/lib/env";
import { mailFailure } from "@/lib/mail/failure";
import { escapeHtml, renderInvitationEmail } from "@/lib/mail/invitation-email";
import { smtpOptions } from "@/lib/mail/transport";

const BASE = PRODUCTION_ENV;

describe("mail configuration", () => {
  it("is optional, and accepts smtp:// and smtps:// with a sender", () => {
    const unset = parseEnv({ ...BASE });
    expect(unset.SMTP_URL).toBeUndefined();
    expect(unset.MAIL_FROM).toBeUndefined();
    for (const SMTP_URL of ["smtp://user:pass@mail.example.com:587", "smtps://mail.example.com", "smtp://127.0.0.1:2525/"]) {
      for (const MAIL_FROM of ["no-reply@example.com", "Gatehouse <no-reply@example.com>"]) {
        expect(parseEnv({ ...BASE, SMTP_URL, MAIL_FROM })).toMatchObject({ SMTP_URL, MAIL_FROM });
      }
    }
  });

  it("refuses one without the other", () => {
    expect(() => parseEnv({ ...BASE, SMTP_URL: "smtp://mail.example.com" })).toThrow(/SMTP_URL and MAIL_FROM: set both/);
    expect(() => parseEnv({ ...BASE, MAIL_FROM: "no-reply@example.com" })).toThrow(/SMTP_URL and MAIL_FROM: set both/);
  });

  it.each(["http://mail.example.com", "direct://mail.example.com", "mail.example.com:587", "smtp://mail.example.com/path", "smtp://mail.example.com?tls.rejectUnauthorized=false"])(
    "refuses SMTP_URL=%s",
    (SMTP_URL) => {
      expect(() => parseEnv({ ...BASE, SMTP_URL, MAIL_FROM: "no-reply@example.com" })).toThrow(/SMTP_URL/);
    },
  );

  it.each(["not an address", "Gatehouse <nobody>", "a@example.com\r\nBcc: victim@example.com", "<a@example.com> <b@example.com>"])("refuses MAIL_FROM=%j", (MAIL_FROM) => {
    expect(() => parseEnv({ ...BASE, SMTP_URL: "smtp://mail.example.com", MAIL_FROM })).toThrow(/MAIL_FROM/);
  });

  it("never prints the SMTP password in a configuration error", () => {
    const SMTP_URL = "smtp://user:hunter2-secret@mail.example.com/oops";
    expect(() => parseEnv({ ...BASE, SMTP_URL, MAIL_FROM: "no-reply@example.com" })).toThrow(/SMTP_URL/);
    try {
      parseEnv({ ...BASE, SMTP_URL, MAIL_FROM: "no-reply@example.com" });
    } catch (error) {
      expect(String(error)).not.toContain("hunter2-secret");
    }
  });

  it("reads only server, credentials and port from SMTP_URL, with timeouts, and TLS off-host", () => {
    expect(smtpOptions("smtp://us%40er:p%40ss%2Fword@mail.example.com")).toMatchObject({
      host: "mail.example.com",
      port: 587,
      secure: false,
      requireTLS: true,
      auth: { user: "us@er", pass: "p@ss/word" },
      connectionTimeout: 10_000,
      greetingTimeout: 10_000,
      socketTimeout: 10_000,
    });
    expect(smtpOptions("smtps://mail.example.com")).toMatchObject({ port: 465, secure: true, requireTLS: false, auth: undefined });
    expect(smtpOptions("smtp://127.0.0.1:2525")).toMatchObject({ host: "127.0.0.1", port: 2525, requireTLS: false });
    expect(smtpOptions("smtp://[::1]:25")).toMatchObject({ host: "::1", requireTLS: false });
  });
});

describe("invitation email rendering", () => {
  const input = {
    orgName: `Acme <b>"&'</b>\r\nBcc: x@evil.test`,
    role: "ADMIN" as const,
    invitedBy: "ada@acme.test",
    link: "https://console.example.com/invite/ghi_abc?x=1&y=2",
    expiresAt: new Date("2030-01-02T03:04:00Z"),
  };

  it("escapes every value in the HTML and keeps the subject on one line", () => {
    const { subject, text, html } = renderInvitationEmail(input);
    expect(subject).toBe(`You are invited to join Acme <b>"&'</b> Bcc: x@evil.test on Gatehouse`);
    expect(html).toContain("Acme &lt;b&gt;&quot;&amp;&#39;&lt;/b&gt;");
    expect(html).not.toContain("<b>\"");
    expect(html).toContain('href="https://console.example.com/invite/ghi_abc?x=1&amp;y=2"');
    expect(text).toContain(input.link);
    expect(text).toContain("as Admin");
    expect(text).toContain("2 January 2030");
    expect(escapeHtml(`<>&"'`)).toBe("&lt;&gt;&amp;&quot;&#39;");
  });

  it("classifies send failures by code into short reasons", () => {
    expect(mailFailure({ code: "ESOCKET" })).toBe("unreachable");
    expect(mailFailure({ code: "ETIMEDOUT" })).toBe("timeout");
    expect(mailFailure({ code: "EAUTH", responseCode: 535 })).toBe("auth_failed");
    expect(mailFailure({ code: "EENVELOPE", responseCode: 550 })).toBe("rejected");
    expect(mailFailure({ code: "constructor" })).toBe("failed");
    expect(mailFailure(new Error("boom"))).toBe("failed");
    expect(mailFailure(null)).toBe("failed");
  });
});
