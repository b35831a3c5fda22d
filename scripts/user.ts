// `npm run user -- disable|enable|reset-mfa <email>`: an operator disables or
// re-enables an account, or resets its MFA (lost authenticator and recovery
// codes), on DATABASE_URL. Sessions of a disabled account stop at once; a
// reset ends every session of the account, and its next sign-in enrols again.
import { SYSTEM_ACTOR } from "../lib/audit/actions";
import { setUserDisabled } from "../lib/auth/users";
import { resetMfa } from "../lib/mfa/service";

const USAGE = "usage: npm run user -- disable|enable|reset-mfa <email>";
const [command, email] = process.argv.slice(2);

async function run(): Promise<string> {
  if (command === "reset-mfa") {
    const result = await resetMfa(email!, SYSTEM_ACTOR("operator-cli"));
    return `${result.email}: MFA ${result.hadMfa ? "reset" : "was not enabled; any pending enrolment removed"}, every session ended. The next sign-in sets it up again.`;
  }
  const user = await setUserDisabled(email!, command === "disable", SYSTEM_ACTOR("operator-cli"));
  return `${user.email} is ${user.disabledAt ? "disabled" : "enabled"}.`;
}

if (!email || !["disable", "enable", "reset-mfa"].includes(command ?? "")) {
  console.error(USAGE);
  process.exit(2);
}
run()
  .then((message) => {
    console.log(message);
    process.exit(0);
  })
  .catch((error: unknown) => {
    console.error(error instanceof Error ? error.message : error);
    process.exit(1);
  });
