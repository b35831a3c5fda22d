"use client";

import { useRouter } from "next/navigation";
import { useTransition } from "react";
import { createOrgAction } from "@/lib/orgs/actions";
import { FormError } from "@/components/forms/form-error";
import { useActionForm } from "@/components/forms/use-action-form";
import { Button } from "@/components/ui/button";
import { TextField } from "@/components/ui/field";

export function CreateOrgForm() {
  const router = useRouter();
  const [navigating, startNavigation] = useTransition();
  const { pending, formRef, onSubmit, fieldError, failure } = useActionForm(createOrgAction, {
    refresh: false,
    onSuccess: ({ slug }) => startNavigation(() => router.push(`/${slug}/projects`)),
  });
  return (
    <form ref={formRef} onSubmit={onSubmit} noValidate className="space-y-4">
      <FormError failure={failure} />
      <TextField
        id="org-name"
        name="name"
        label="Organisation name"
        placeholder="Acme Inc."
        autoComplete="organization"
        required
        maxLength={80}
        hint="Usually your company or team. You can rename it later."
        error={fieldError("name")}
      />
      <Button type="submit" variant="primary" pending={pending || navigating} className="w-full">
        Create organisation
      </Button>
    </form>
  );
}
