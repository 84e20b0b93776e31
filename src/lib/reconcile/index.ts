// Entry point of reconcile/: the sweep for what the webhook missed, as a cron route core and a function for the
// CLI. It may import http/ and fulfilment/.

export { handleReconcile } from './handle-reconcile';
