// The shared contract in vitest's edge-runtime VM, with the package conditions Next's edge bundle resolves.
import { coreTarget, describeBillingContract } from '../support/shared-cases';

describeBillingContract('edge-runtime', coreTarget);
