// Prints the adversarial suite's one line of figures from what its test files recorded in .local/.
import { existsSync, readFileSync } from 'node:fs';

const read = (path) => (existsSync(path) ? JSON.parse(readFileSync(path, 'utf8')) : {});
const http = read('.local/adversarial.json');
const faults = read('.local/adversarial-faults.json');
const sum = (key) => (http[key] ?? 0) + (faults[key] ?? 0);
console.log(
  `adversarial: races=${sum('races')} duplicates=${sum('duplicates')} faults=${sum('faults')} recovered=${sum('recovered')} bad_inputs=${sum('bad_inputs')} handled=${sum('handled')} stripe_calls_from_rejected=${sum('stripe_calls_from_rejected')} leaks=${sum('leaks')} overdrafts=${sum('overdrafts')}`,
);
