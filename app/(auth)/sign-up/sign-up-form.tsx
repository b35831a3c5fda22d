"use client";

import Link from "next/link";
import { signIn } from "next-auth/react";
import { useRouter } from "next/navigation";
import { useState, useTransition } from "react";
import { signUpAction } from "@/lib/auth/actions";
import { withCallback } from "@/app/callback-url";
import { FormError } from "@/components/forms/form-error";
import { useActionForm } from "@/components/forms/use-action-form";
import { Alert } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";
import { TextField } from "@/components/ui/field";

export function SignUpForm({ callbackUrl }: { callbackUrl: string }) {
  const router = useRouter();
  const [signingIn, startSignIn] = useTransition();
  const [signInFailed, setSignInFailed] = useState(false);

  const { pending, formRef, onSubmit, fieldError, failure } = useActionForm(signUpAction, {
    refresh: false,
    onSuccess: (_data, form) => {
      const values = form ? new FormData(form) : null;
      const email = String(values?.get("email") ?? "").trim();
      const password = String(values?.get("password") ?? "");
      startSignIn(async () => {
        try {
          const result = await signIn("credentials", { email, password, redirect: false });
          if (!result?.ok || result.error) throw new Error(result?.error ?? "sign-in failed");
        } catch {
          setSignInFailed(true);
          return;
        }
        router.replace(callbackUrl);
        router.refresh();
      });
    },
  });

  if (signInFailed) {
    return (
      <div className="space-y-4">
        <Alert tone="success" title="Your account is ready">
          We could not sign you in automatically. Sign in with your new email and password to continue.
        </Alert>
        <Link href={withCallback("/sign-in", callbackUrl)} className="block text-center font-medium text-accent-700 hover:underline">
          Go to sign in
        </Link>
      </div>
    );
  }

  return (
    <form ref={formRef} onSubmit={onSubmit} noValidate className="space-y-4">
      <FormError failure={failure} />
      <TextField id="sign-up-name" name="name" label="Name" autoComplete="name" required error={fieldError("name")} />
      <TextField
        id="sign-up-email"
        name="email"
        type="email"
        label="Email"
        autoComplete="email"
        autoCapitalize="none"
        spellCheck={false}
        required
        error={fieldError("email")}
      />
      <TextField
        id="sign-up-password"
        name="password"
        type="password"
        label="Password"
        autoComplete="new-password"
        required
        hint="At least 12 characters. A passphrase works well."
        error={fieldError("password")}
      />
      <Button type="submit" variant="primary" pending={pending || signingIn} className="w-full">
        Create account
      </Button>
    </form>
  );
}
