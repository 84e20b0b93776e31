// `npm run billing:ledger` (scripts/billing/ledger.ts says what it does and takes).
import { main } from './billing/main';
import { runLedger } from './billing/ledger';

await main(runLedger);
