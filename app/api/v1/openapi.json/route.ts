import { openApiJson } from "@/lib/openapi/document";
import { withPublic } from "@/lib/security/route";

/** The OpenAPI 3.1 document of /api/v1, generated from lib/openapi/registry.ts once per process. */
export const GET = withPublic({}, async () => new Response(openApiJson(), { headers: { "Content-Type": "application/json", "Cache-Control": "public, max-age=300" } }));
