import { defineConfig } from "prisma/config";

// Migrations are applied offline by scripts/db-migrate (Prisma's schema engine
// compiled to WebAssembly); this file only tells the CLI where the schema is.
export default defineConfig({
  schema: "prisma/schema.prisma",
  migrations: { path: "prisma/migrations" },
});
