"use client";

import { signOut } from "next-auth/react";
import { useTransition } from "react";
import { Button, type ButtonSize, type ButtonVariant } from "@/components/ui/button";

export function SignOutButton({ variant = "ghost", size = "sm", callbackUrl = "/sign-in" }: { variant?: ButtonVariant; size?: ButtonSize; callbackUrl?: string }) {
  const [pending, startTransition] = useTransition();
  return (
    <Button variant={variant} size={size} pending={pending} onClick={() => startTransition(() => signOut({ callbackUrl }))}>
      Sign out
    </Button>
  );
}
