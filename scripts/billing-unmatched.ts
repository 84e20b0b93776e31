// `npm run billing:unmatched` (scripts/billing/unmatched.ts says what it does and takes).
import { main } from './billing/main';
import { runUnmatched } from './billing/unmatched';

await main(runUnmatched);
