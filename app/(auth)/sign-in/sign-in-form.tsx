"use client";

import { signIn } from "next-auth/react";
import { useRouter } from "next/navigation";
import { useRef, useState, useTransition, type FormEvent } from "react";
import { ssoLookupAction } from "@/lib/sso/actions";
import { Alert } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";
import { TextField } from "@/components/ui/field";

const MESSAGES: Record<string, string> = {
  CredentialsSignin: "The email or password is incorrect.",
  RateLimited: "Too many sign-in attempts. Wait a few minutes, then try again.",
  AccountDisabled: "This account is disabled. Contact your organisation's administrator.",
  SessionRequired: "Sign in to continue.",
  SsoUnavailable: "That single sign-on connection is not available. Sign in with your email to find your organisation's.",
  Unreachable: "Sign-in did not go through: too many attempts from this network, or the server could not be reached. Wait a moment and try again.",
};
const FALLBACK = "Sign-in failed. Try again.";

type Missing = Partial<Record<"email" | "password", string>>;

/** Where SSO goes after the IdP: the page the user asked for, passed along to /sso/{org}. */
function withDestination(url: string, callbackUrl: string): string {
  if (callbackUrl === "/") return url;
  return `${url}${url.includes("?") ? "&" : "?"}callbackUrl=${encodeURIComponent(callbackUrl)}`;
}

/**
 * Email first: an email whose domain an org has verified, with SSO set up,
 * goes to that org's identity provider; any other email gets the password
 * step. The answer depends on the domain only, so it tells nothing about
 * whether an account exists.
 */
export function SignInForm({ callbackUrl, initialError, passwordOnly = false }: { callbackUrl: string; initialError: string | null; passwordOnly?: boolean }) {
  const router = useRouter();
  const [pending, startTransition] = useTransition();
  // `passwordOnly`: straight to the password (an SSO org's owner using the break-glass path).
  const [step, setStep] = useState<"email" | "password">(passwordOnly ? "password" : "email");
  const [email, setEmail] = useState("");
  const [error, setError] = useState<string | null>(initialError ? (MESSAGES[initialError] ?? FALLBACK) : null);
  const [missing, setMissing] = useState<Missing>({});
  const emailRef = useRef<HTMLInputElement>(null);
  const passwordRef = useRef<HTMLInputElement>(null);

  function lookUp(address: string) {
    startTransition(async () => {
      let next: { mode: "sso"; url: string } | { mode: "password" } = { mode: "password" };
      try {
        const result = await ssoLookupAction(null, { email: address });
        if (result.ok) next = result.data;
      } catch {
        // The password step still works without the lookup.
      }
      if (next.mode === "sso") {
        window.location.assign(withDestination(next.url, callbackUrl));
        return;
      }
      setStep("password");
      requestAnimationFrame(() => passwordRef.current?.focus());
    });
  }

  function signInWithPassword(address: string, password: string) {
    startTransition(async () => {
      let outcome: string | null;
      try {
        const result = await signIn("credentials", { email: address, password, redirect: false });
        outcome = result?.error ?? (result?.ok ? null : "Unreachable");
      } catch {
        outcome = "Unreachable";
      }
      if (outcome) {
        setError(MESSAGES[outcome] ?? FALLBACK);
        if (passwordRef.current) {
          passwordRef.current.value = "";
          passwordRef.current.focus();
        }
        return;
      }
      // After a password: the MFA door (verify, or enrol where an org requires it; otherwise straight on).
      router.replace(`/mfa?after=sign-in&next=${encodeURIComponent(callbackUrl)}`);
      router.refresh();
    });
  }

  function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    if (pending) return;
    const form = new FormData(event.currentTarget);
    const address = String(form.get("email") ?? "").trim();
    const password = String(form.get("password") ?? "");
    const empty: Missing = {
      ...(address ? {} : { email: "Enter your email" }),
      ...(step === "password" && !password ? { password: "Enter your password" } : {}),
    };
    setMissing(empty);
    setError(null);
    if (empty.email || empty.password) {
      event.currentTarget.querySelector<HTMLElement>('[aria-invalid="true"]')?.focus();
      return;
    }
    setEmail(address);
    if (step === "email") lookUp(address);
    else signInWithPassword(address, password);
  }

  function changeEmail() {
    setStep("email");
    setError(null);
    setMissing({});
    requestAnimationFrame(() => emailRef.current?.focus());
  }

  return (
    <form onSubmit={onSubmit} noValidate className="space-y-4">
      {error ? <Alert tone="error">{error}</Alert> : null}
      <TextField
        ref={emailRef}
        id="sign-in-email"
        name="email"
        type="email"
        label="Email"
        autoComplete="username"
        autoCapitalize="none"
        spellCheck={false}
        readOnly={step === "password" && !passwordOnly}
        defaultValue={email}
        error={missing.email}
      />
      {step === "password" ? (
        <>
          {passwordOnly ? null : (
            <div className="-mt-2 text-right">
              <button type="button" onClick={changeEmail} className="text-xs font-medium text-accent-700 hover:underline">
                Use another email
              </button>
            </div>
          )}
          <TextField ref={passwordRef} id="sign-in-password" name="password" type="password" label="Password" autoComplete="current-password" error={missing.password} />
          <Button type="submit" variant="primary" pending={pending} className="w-full">
            Sign in
          </Button>
        </>
      ) : (
        <>
          <Button type="submit" variant="primary" pending={pending} className="w-full">
            Continue
          </Button>
          <p className="text-center text-xs text-zinc-500">
            {/* Past SSO to the password (an owner's break-glass where the org enforces SSO). */}
            <a href={`/sign-in?method=password${callbackUrl === "/" ? "" : `&callbackUrl=${encodeURIComponent(callbackUrl)}`}`} className="hover:underline">
              Sign in with a password instead
            </a>
          </p>
        </>
      )}
    </form>
  );
}
