// The stand-in OpenAI/Anthropic upstream for the gateway benchmark, in a
// process of its own. Prints `{"openaiBaseUrl": …}` on one line once
// listening; stops on SIGTERM or SIGINT.
import { startUpstreamServer } from "../../tests/support/upstream-server";

const server = await startUpstreamServer({ record: false });
process.stdout.write(`${JSON.stringify({ openaiBaseUrl: server.openaiBaseUrl })}\n`);
for (const signal of ["SIGTERM", "SIGINT"] as const) {
  process.once(signal, () => void server.close().finally(() => process.exit(0)));
}
