"use client";

import { useRouter } from "next/navigation";
import { startTransition, useActionState, useEffect, useEffectEvent, useRef, type FormEvent } from "react";
import type { Action, ActionResult } from "@/lib/security/org-action";
import { callAction } from "./call-action";

export interface ActionFormOptions<T> {
  /** Runs once per successful submission, after the result has rendered. */
  onSuccess?: (data: T, form: HTMLFormElement | null) => void;
  /** Runs once per failed submission. */
  onFailure?: (failure: Extract<ActionResult<T>, { ok: false }>) => void;
  /** Re-render the server components after success (default true): actions do not revalidate. */
  refresh?: boolean;
  /** Clear the form after success (default false). */
  resetOnSuccess?: boolean;
}



/**
 * Drive a server action from a form with `useActionState`. Submission goes
 * through onSubmit (not the `action` prop) so that a failed attempt keeps what
 * the user typed. After a failure, focus moves to the first invalid field.
 */
export function useActionForm<T>(action: Action<T>, options: ActionFormOptions<T> = {}) {
  const router = useRouter();
  const formRef = useRef<HTMLFormElement>(null);
  const [state, dispatch, pending] = useActionState<ActionResult<T> | null, FormData>((previous, formData) => callAction(action, previous, formData), null);

  const settle = useEffectEvent((result: ActionResult<T>) => {
    const form = formRef.current;
    if (result.ok) {
      if (options.resetOnSuccess) form?.reset();
      options.onSuccess?.(result.data, form);
      if (options.refresh !== false) router.refresh();
      return;
    }
    options.onFailure?.(result);
    form?.querySelector<HTMLElement>('[aria-invalid="true"]')?.focus();
  });

  useEffect(() => {
    if (state) settle(state);
  }, [state]);

  function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    if (pending) return;
    const submitter = (event.nativeEvent as SubmitEvent).submitter;
    const formData = new FormData(event.currentTarget, submitter);
    startTransition(() => dispatch(formData));
  }

  const failed = state && !state.ok ? state : null;
  return {
    state,
    pending,
    formRef,
    onSubmit,
    /** The error for one field, if the last attempt had one. */
    fieldError: (name: string): string | undefined => failed?.fieldErrors?.[name],
    fieldErrors: failed?.fieldErrors ?? {},
    failure: failed,
  };
}
