import type { Action, ActionInput, ActionResult } from "@/lib/security/org-action";

const UNREACHABLE: ActionResult<never> = {
  ok: false,
  code: "service_unavailable",
  message: "The request did not go through. Check your connection, wait a moment and try again.",
  requestId: "",
};

/** Next's redirect/notFound signals must keep propagating. */
function isControlFlow(error: unknown): boolean {
  const digest = (error as { digest?: unknown } | null)?.digest;
  return typeof digest === "string" && digest.startsWith("NEXT_");
}

/**
 * Call a server action from the browser: a call that never reached the server
 * (offline, deployment switch) becomes a failed result the form can show,
 * instead of an exception that unmounts it.
 */
export async function callAction<T>(action: Action<T>, previous: ActionResult<T> | null, input: ActionInput): Promise<ActionResult<T>> {
  try {
    return await action(previous, input);
  } catch (error) {
    if (isControlFlow(error)) throw error;
    return UNREACHABLE;
  }
}
