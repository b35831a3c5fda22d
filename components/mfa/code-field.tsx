import { TextField } from "@/components/ui/field";

/** The one-time-code input: digits on phones, filled by password managers that hold TOTP. */
export function CodeField({ id, label = "Authentication code", hint, error, allowRecovery = false }: { id: string; label?: string; hint?: string; error?: string; allowRecovery?: boolean }) {
  return (
    <TextField
      id={id}
      name="code"
      label={label}
      hint={hint}
      error={error}
      autoComplete="one-time-code"
      inputMode={allowRecovery ? "text" : "numeric"}
      autoCapitalize="none"
      spellCheck={false}
      maxLength={40}
      required
    />
  );
}
