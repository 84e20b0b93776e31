// Entry point of bench/: the plan's strictly sequential checkout, served only as the benchmark's baseline route.
// It may import http/ and checkout/.

export { baselineCheckout } from './baseline-checkout';
