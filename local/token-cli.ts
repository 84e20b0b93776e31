// `npm run local:token -- <user> [--ttl 3600]`: prints a session token of a local user (ada, grace, an id or an email)
// that lives `--ttl` seconds, for `curl -H "Authorization: Bearer $(npm run -s local:token -- ada)"`.
import { parseArgs } from 'node:util';
import { runAgainstStack } from './stack-cli';

const USAGE = 'usage: npm run -s local:token -- <user: ada | grace | user_… | email> [--ttl SECONDS]';
const { positionals, values } = parseArgs({ allowPositionals: true, options: { ttl: { type: 'string', default: '3600' }, help: { type: 'boolean' } } });
const [user] = positionals;

await runAgainstStack(USAGE, values.help || !user ? undefined : async (control) => (await control.action('token', user, Number(values.ttl))).token);
