import { inject } from "vitest";

// Runs in every test worker before its test files: the environment prepared by
// global-setup.ts (test database URL and secrets), whatever the worker inherited.
Object.assign(process.env, inject("testEnv"));
