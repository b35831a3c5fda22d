import { listModels } from "@/lib/gateway/route-handlers";
import { preflight, withApiKey } from "@/lib/gateway/route";

/** OpenAI-compatible model list of one provider, with a project API key. */
export const GET = withApiKey("models", listModels);
export const OPTIONS = preflight();
