"use client";

import { useRouter } from "next/navigation";
import { startTransition, useActionState, useEffect, useEffectEvent } from "react";
import type { Action, ActionResult } from "@/lib/security/org-action";
import { callAction } from "./call-action";

export interface ActionCallOptions<T> {
  /** Runs once per successful call, after the result has rendered. */
  onSuccess?: (data: T) => void;
  /** Runs once per failed call, after the result has rendered. */
  onFailure?: (failure: Extract<ActionResult<T>, { ok: false }>) => void;
  /** Re-render the server components after success (default true): actions do not revalidate. */
  refresh?: boolean;
}



/**
 * Drive a server action with a structured input (lists, nested patches,
 * booleans) through `useActionState`: the counterpart of `useActionForm` for
 * inputs that FormData cannot carry. The caller builds the input in its submit
 * handler and passes it to `run`.
 */
export function useActionCall<T>(action: Action<T>, options: ActionCallOptions<T> = {}) {
  const router = useRouter();
  const [state, dispatch, pending] = useActionState<ActionResult<T> | null, Record<string, unknown>>((previous, input) => callAction(action, previous, input), null);

  const settle = useEffectEvent((result: ActionResult<T>) => {
    if (!result.ok) {
      options.onFailure?.(result);
      return;
    }
    options.onSuccess?.(result.data);
    if (options.refresh !== false) router.refresh();
  });

  useEffect(() => {
    if (state) settle(state);
  }, [state]);

  function run(input: Record<string, unknown>) {
    if (pending) return;
    startTransition(() => dispatch(input));
  }

  const failed = state && !state.ok ? state : null;
  return { state, pending, run, fieldErrors: failed?.fieldErrors ?? {}, failure: failed };
}
