// The shared contract with the cores running in plain Node (stripe's Node build, Node's fetch).
import { coreTarget, describeBillingContract } from '../support/shared-cases';

describeBillingContract('Node', coreTarget);
