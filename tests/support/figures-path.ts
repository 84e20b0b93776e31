// Where suites record their figures (one JSON file per suite) and scripts/print-figures.mjs reads them.
export const figuresDir = '.local/figures';
