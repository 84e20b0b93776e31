// Entry point of services/: the composition root — builds db, Stripe, Clerk users, the catalogue and the URLs from
// configuration, once per isolate. The only folder that may import every capability's entry point.

export { billingServices } from './services';
