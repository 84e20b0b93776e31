// The shared part of the local:stripe / local:token commands: find the running stack's control URL, run one command,
// print its result (a string as is, anything else as JSON), and any failure as one line with exit code 1.
import { controlClient, type ControlClient } from './control';
import { CONTROL_URL_VAR, STACK_ENV_FILE, readStackEnv, stackEnvPath } from './stack-env';

export async function runAgainstStack(usage: string, command: ((control: ControlClient) => Promise<unknown>) | undefined): Promise<void> {
  if (!command) {
    console.log(usage);
    return;
  }
  const url = process.env[CONTROL_URL_VAR] ?? readStackEnv(stackEnvPath())?.[CONTROL_URL_VAR];
  if (!url) {
    console.error(`No local stack is running (no ${STACK_ENV_FILE}): start it with \`npm run local\`.`);
    process.exit(1);
  }
  try {
    const result = await command(controlClient(url));
    console.log(typeof result === 'string' ? result : JSON.stringify(result, null, 2));
  } catch (err) {
    const message = err instanceof Error ? err.message.replace(/^control actions\.\w+: /, '') : String(err);
    const down = /fetch failed|ECONNREFUSED/.test(message) ? ' — is `npm run local` still running?' : '';
    console.error(`${message}${down}`);
    process.exit(1);
  }
}
