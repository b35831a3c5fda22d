"use client";

import { useCallback, useEffect, useState } from "react";
import type { ChainVerdictDto } from "@/lib/audit/schemas";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { Spinner } from "@/components/ui/spinner";

const REASONS: Record<string, string> = {
  sequence_gap: "an event is missing",
  link_mismatch: "link to the previous event broken",
  hash_mismatch: "event altered",
  checkpoint_invalid: "retention checkpoint invalid",
};

type State = { kind: "checking" } | { kind: "done"; verdict: ChainVerdictDto } | { kind: "failed"; message: string };

const integer = new Intl.NumberFormat("en");

/** Runs the chain verification when shown (and again on request) and says whether the chain is intact. */
export function ChainBadge({ orgId }: { orgId: string }) {
  const [state, setState] = useState<State>({ kind: "checking" });

  const verify = useCallback(async () => {
    setState({ kind: "checking" });
    try {
      const res = await fetch(`/api/v1/orgs/${orgId}/audit-logs/verify`, { headers: { accept: "application/json" } });
      const body = (await res.json()) as ChainVerdictDto | { error: { message: string } };
      if (!res.ok || "error" in body) throw new Error("error" in body ? body.error.message : `HTTP ${res.status}`);
      setState({ kind: "done", verdict: body });
    } catch (cause) {
      setState({ kind: "failed", message: cause instanceof Error ? cause.message : "Verification failed." });
    }
  }, [orgId]);

  useEffect(() => {
    // Verification reads the whole chain: started once the page is up, not during its render.
    const timer = setTimeout(() => void verify(), 0);
    return () => clearTimeout(timer);
  }, [verify]);

  const verdict = state.kind === "done" ? state.verdict : null;
  return (
    <div className="flex items-center gap-1.5">
      <div role="status" aria-label="Chain integrity" aria-busy={state.kind === "checking"}>
        {state.kind === "checking" ? (
          <Badge>
            <Spinner className="mr-1 size-3" />
            Verifying chain…
          </Badge>
        ) : state.kind === "failed" ? (
          <Badge tone="warning" className="max-w-72 truncate">
            Chain not verified: {state.message}
          </Badge>
        ) : verdict?.ok ? (
          <Badge tone="success">
            Chain intact · {integer.format(verdict.events)} {verdict.events === 1 ? "event" : "events"}
          </Badge>
        ) : (
          <Badge tone="danger">
            Chain broken at #{verdict!.brokenAtSeq} ({REASONS[verdict!.reason] ?? verdict!.reason})
          </Badge>
        )}
      </div>
      {state.kind === "checking" ? null : (
        <Button variant="ghost" size="sm" onClick={() => void verify()}>
          Verify again
        </Button>
      )}
    </div>
  );
}
