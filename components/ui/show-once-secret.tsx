"use client";

import { useEffect, useRef, type ReactNode } from "react";
import { Button } from "./button";
import { CopyButton } from "./copy-button";
import { Input } from "./input";

interface ShowOnceSecretProps {
  /** The input's id. */
  id: string;
  label: string;
  value: string;
  /** The copy button's accessible name, e.g. "Copy API key". */
  copyLabel: string;
  /** The id of the warning (among the children) that says the secret is shown only once. */
  warningId: string;
  /** What the panel says below the secret: the warning, and anything else the user needs now. */
  children: ReactNode;
  onDone: () => void;
}

/**
 * The body of a show-once panel: the whole secret in a read-only field,
 * focused and selected when it appears, with a copy button, then the
 * children and "Done".
 */
export function ShowOnceSecret({ id, label, value, copyLabel, warningId, children, onDone }: ShowOnceSecretProps) {
  const inputRef = useRef<HTMLInputElement>(null);

  useEffect(() => {
    inputRef.current?.focus();
    inputRef.current?.select();
  }, []);

  return (
    <div className="space-y-4">
      <div className="space-y-1.5">
        <label htmlFor={id} className="block text-[0.8125rem] font-medium text-zinc-800">
          {label}
        </label>
        <Input
          ref={inputRef}
          id={id}
          readOnly
          value={value}
          spellCheck={false}
          autoComplete="off"
          className="font-mono text-xs"
          aria-describedby={warningId}
          onFocus={(event) => event.currentTarget.select()}
        />
        <CopyButton value={value} label={copyLabel} onBlocked={() => inputRef.current?.select()} />
      </div>
      {children}
      <div className="flex justify-end">
        <Button variant="primary" onClick={onDone}>
          Done
        </Button>
      </div>
    </div>
  );
}
