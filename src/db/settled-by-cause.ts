// Runs a ledger statement again when it lost a race for its unique `cause`: a statement that loses aborts whole (its
// balance move included), so running it again is safe, and the next run finds the winner's entry.
const UNIQUE_VIOLATION = '23505';
const MAX_ATTEMPTS = 5;

function isUniqueViolation(err: unknown): boolean {
  for (let e = err; e; e = (e as { cause?: unknown }).cause) {
    if ((e as { code?: unknown }).code === UNIQUE_VIOLATION) return true;
  }
  return false;
}

export async function settledByCause<T>(run: () => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await run();
    } catch (err) {
      if (!isUniqueViolation(err) || attempt >= MAX_ATTEMPTS) throw err;
    }
  }
}
