// `npm run billing:adjust` (scripts/billing/adjust.ts says what it does and takes).
import { main } from './billing/main';
import { runAdjust } from './billing/adjust';

await main(runAdjust);
