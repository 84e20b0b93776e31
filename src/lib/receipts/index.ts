// Entry point of receipts/: what a buyer sees of past purchases — the status of each, money formatting, and the
// receipt redirect. It may import http/.

export { formatMoney } from './format-money';
export { handleReceipt } from './handle-receipt';
export { purchaseStatus } from './purchase-status';
