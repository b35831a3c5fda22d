"use client";

import { useRouter } from "next/navigation";
import { useTransition } from "react";
import { acceptInvitationAction } from "@/lib/members/actions";
import { FormError, HiddenFields } from "@/components/forms/form-error";
import { useActionForm } from "@/components/forms/use-action-form";
import { Button } from "@/components/ui/button";

export function AcceptInvitationForm({ token }: { token: string }) {
  const router = useRouter();
  const [navigating, startNavigation] = useTransition();
  const { pending, formRef, onSubmit, failure } = useActionForm(acceptInvitationAction, {
    refresh: false,
    onSuccess: ({ orgSlug }) => startNavigation(() => router.push(`/${orgSlug}/projects`)),
  });
  return (
    <form ref={formRef} onSubmit={onSubmit} className="space-y-4">
      <HiddenFields fields={{ token }} />
      <FormError failure={failure} />
      <Button type="submit" variant="primary" pending={pending || navigating} className="w-full">
        Accept invitation
      </Button>
    </form>
  );
}
