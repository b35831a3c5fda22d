"use client";

import { signIn } from "next-auth/react";
import { useRouter } from "next/navigation";
import { useRef, useState, useTransition, type FormEvent } from "react";
import { Alert } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";
import { TextField } from "@/components/ui/field";

const MESSAGES: Record<string, string> = {
  CredentialsSignin: "The email or password is incorrect.",
  RateLimited: "Too many sign-in attempts. Wait a few minutes, then try again.",
  AccountDisabled: "This account is disabled. Contact your organisation's administrator.",
  SessionRequired: "Sign in to continue.",
  Unreachable: "Sign-in did not go through: too many attempts from this network, or the server could not be reached. Wait a moment and try again.",
};
const FALLBACK = "Sign-in failed. Try again.";

type Missing = Partial<Record<"email" | "password", string>>;

export function SignInForm({ callbackUrl, initialError }: { callbackUrl: string; initialError: string | null }) {
  const router = useRouter();
  const [pending, startTransition] = useTransition();
  const [error, setError] = useState<string | null>(initialError ? (MESSAGES[initialError] ?? FALLBACK) : null);
  const [missing, setMissing] = useState<Missing>({});
  const passwordRef = useRef<HTMLInputElement>(null);

  function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    if (pending) return;
    const form = new FormData(event.currentTarget);
    const email = String(form.get("email") ?? "").trim();
    const password = String(form.get("password") ?? "");
    const empty: Missing = { ...(email ? {} : { email: "Enter your email" }), ...(password ? {} : { password: "Enter your password" }) };
    setMissing(empty);
    if (empty.email || empty.password) {
      event.currentTarget.querySelector<HTMLElement>('[aria-invalid="true"]')?.focus();
      setError(null);
      return;
    }
    setError(null);
    startTransition(async () => {
      let outcome: string | null;
      try {
        const result = await signIn("credentials", { email, password, redirect: false });
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
      router.replace(callbackUrl);
      router.refresh();
    });
  }

  return (
    <form onSubmit={onSubmit} noValidate className="space-y-4">
      {error ? <Alert tone="error">{error}</Alert> : null}
      <TextField id="sign-in-email" name="email" type="email" label="Email" autoComplete="email" autoCapitalize="none" spellCheck={false} error={missing.email} />
      <TextField ref={passwordRef} id="sign-in-password" name="password" type="password" label="Password" autoComplete="current-password" error={missing.password} />
      <Button type="submit" variant="primary" pending={pending} className="w-full">
        Sign in
      </Button>
    </form>
  );
}
