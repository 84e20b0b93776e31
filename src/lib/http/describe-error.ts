// A log-safe summary of a caught error: its class and codes, never its message (upstream messages can carry
// request details) and never a stack.
export function describeError(err: unknown): Record<string, string | number> {
  if (!(err instanceof Error)) return { name: typeof err };
  const out: Record<string, string | number> = { name: err.name };
  const fields = err as unknown as Record<string, unknown>;
  for (const key of ['code', 'type', 'statusCode', 'status']) {
    const value = fields[key];
    if (typeof value === 'string' || typeof value === 'number') out[key] = value;
  }
  if (err.cause instanceof Error) out.cause = err.cause.name;
  return out;
}
