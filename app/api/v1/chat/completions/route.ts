import { chatCompletions } from "@/lib/gateway/route-handlers";
import { preflight, withApiKey } from "@/lib/gateway/route";

/** OpenAI-compatible chat completions (JSON or SSE stream), with a project API key. */
export const POST = withApiKey("chat", chatCompletions);
export const OPTIONS = preflight();
