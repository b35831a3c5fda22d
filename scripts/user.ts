// `npm run user -- disable|enable <email>`: an operator disables or re-enables
// an account on DATABASE_URL. Sessions of a disabled account stop at once.
import { SYSTEM_ACTOR } from "../lib/audit/actions";
import { setUserDisabled } from "../lib/auth/users";

const [command, email] = process.argv.slice(2);
if (!email || (command !== "disable" && command !== "enable")) {
  console.error("usage: npm run user -- disable|enable <email>");
  process.exit(2);
}
setUserDisabled(email, command === "disable", SYSTEM_ACTOR("operator-cli"))
  .then((user) => {
    console.log(`${user.email} is ${user.disabledAt ? "disabled" : "enabled"}.`);
    process.exit(0);
  })
  .catch((error: unknown) => {
    console.error(error instanceof Error ? error.message : error);
    process.exit(1);
  });
