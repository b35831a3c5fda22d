// `npm run db:seed`: the demo org on DATABASE_URL (idempotent).
import { seedDemo } from "../lib/db/seed";

seedDemo()
  .then((created) => {
    console.log(created ? `Seeded ${created.orgSlug}: sign in as ${created.email} / ${created.password}` : "Demo org exists already.");
    process.exit(0);
  })
  .catch((error: unknown) => {
    console.error(error instanceof Error ? error.message : error);
    process.exit(1);
  });
