"use client";

import { useEffect, useState } from "react";
import { Button, type ButtonSize, type ButtonVariant } from "./button";

interface CopyButtonProps {
  /** The text put on the clipboard. */
  value: string;
  /** The button's accessible name, e.g. "Copy API key". */
  label: string;
  variant?: ButtonVariant;
  size?: ButtonSize;
  /** Called when the clipboard refuses, so the caller can select the text for a manual copy. */
  onBlocked?: () => void;
}

/**
 * Copies a value with the Clipboard API and says so next to the button
 * ("Copied", announced politely). When the browser refuses, it says how to
 * copy by hand instead.
 */
export function CopyButton({ value, label, variant = "primary", size = "md", onBlocked }: CopyButtonProps) {
  const [state, setState] = useState<"idle" | "copied" | "blocked">("idle");

  useEffect(() => {
    if (state !== "copied") return;
    const timer = setTimeout(() => setState("idle"), 4_000);
    return () => clearTimeout(timer);
  }, [state]);

  async function copy() {
    try {
      await navigator.clipboard.writeText(value);
      setState("copied");
    } catch {
      onBlocked?.();
      setState("blocked");
    }
  }

  return (
    <span className="inline-flex items-center gap-2">
      <Button variant={variant} size={size} aria-label={label} onClick={copy}>
        <svg className="size-4" viewBox="0 0 20 20" fill="currentColor" aria-hidden="true">
          <path d="M7 3.5A1.5 1.5 0 0 1 8.5 2h3.879a1.5 1.5 0 0 1 1.06.44l3.122 3.12A1.5 1.5 0 0 1 17 6.622V12.5a1.5 1.5 0 0 1-1.5 1.5h-1v-3.379a3 3 0 0 0-.879-2.121L10.5 5.379A3 3 0 0 0 8.379 4.5H7v-1Z" />
          <path d="M4.5 6A1.5 1.5 0 0 0 3 7.5v9A1.5 1.5 0 0 0 4.5 18h7a1.5 1.5 0 0 0 1.5-1.5v-5.879a1.5 1.5 0 0 0-.44-1.06L9.44 6.439A1.5 1.5 0 0 0 8.378 6H4.5Z" />
        </svg>
        Copy
      </Button>
      <span role="status" className="text-xs font-medium text-emerald-700 empty:hidden">
        {state === "copied" ? "Copied" : state === "blocked" ? <span className="text-zinc-600">Copying is blocked here: press Ctrl+C (⌘C).</span> : null}
      </span>
    </span>
  );
}
