// `npm test`: the whole suite. Typecheck, lint, unit + integration tests
// (PGlite, or the PostgreSQL server named by TEST_DATABASE_URL/DATABASE_URL),
// then the browser tests in the system Chromium against `next start`.
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, rmSync } from "node:fs";
import { ensureChromium } from "./chromium.mjs";

const bin = (name) => `node_modules/.bin/${name}`;
const steps = [
  ["typecheck", bin("tsc"), ["--noEmit"]],
  ["lint", bin("eslint"), [".", "--max-warnings=0"]],
  ["unit and integration tests", bin("vitest"), ["run", "--reporter=default", "--reporter=json", "--outputFile=test-results/vitest.json"]],
  ["browser tests", bin("tsx"), ["--conditions=react-server", "scripts/e2e.ts"]],
];

ensureChromium();
rmSync("test-results", { recursive: true, force: true });
mkdirSync("test-results", { recursive: true });
const started = Date.now();
const failed = [];
for (const [name, command, args] of steps) {
  console.log(`\n━━ ${name} ━━`);
  const result = spawnSync(command, args, { stdio: "inherit", env: process.env });
  if (result.status !== 0) failed.push(name);
}

function counts(file, read) {
  if (!existsSync(file)) return { passed: 0, failed: 0 };
  try {
    return read(JSON.parse(readFileSync(file, "utf8")));
  } catch {
    return { passed: 0, failed: 0 };
  }
}
const unit = counts("test-results/vitest.json", (r) => ({ passed: r.numPassedTests, failed: r.numFailedTests }));
const e2e = counts("test-results/e2e.json", (r) => ({ passed: r.stats.expected, failed: r.stats.unexpected + r.stats.flaky }));
const seconds = Math.round((Date.now() - started) / 1000);
console.log(`\n━━ summary (${seconds} s) ━━`);
console.log(`unit and integration: ${unit.passed} passed, ${unit.failed} failed`);
console.log(`browser: ${e2e.passed} passed, ${e2e.failed} failed`);
if (failed.length) console.log(`failed steps: ${failed.join(", ")}`);
console.log(`tests: ${unit.passed + e2e.passed} passed, ${unit.failed + e2e.failed + failed.length} failed`);
process.exit(failed.length ? 1 : 0);
