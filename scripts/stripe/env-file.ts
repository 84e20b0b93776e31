// Reads and updates a dotenv file (.env.local) line by line, keeping comments, order and every other variable as is.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';

export type EnvWrite = { name: string; value: string; secret?: boolean };
export type EnvChange = { name: string; kind: 'added' | 'replaced' | 'unchanged'; previous?: string };

const LINE = /^\s*(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)\s*=\s*(.*)$/;

function unquote(raw: string): string {
  const v = raw.trim();
  return /^(['"]).*\1$/.test(v) ? v.slice(1, -1) : v;
}

export function readEnvFile(path: string): Record<string, string> {
  if (!existsSync(path)) return {};
  const out: Record<string, string> = {};
  for (const line of readFileSync(path, 'utf8').split('\n')) {
    const m = LINE.exec(line);
    if (m?.[1]) out[m[1]] = unquote(m[2] ?? '');
  }
  return out;
}

/** Plans (and unless `dryRun`, applies) the writes; a value already there and different is replaced and reported. */
export function updateEnvFile(path: string, writes: EnvWrite[], dryRun: boolean): EnvChange[] {
  const lines = existsSync(path) ? readFileSync(path, 'utf8').split('\n') : [];
  const current = readEnvFile(path);
  const changes: EnvChange[] = writes.map(({ name, value }) => {
    const previous = current[name];
    if (previous === value) return { name, kind: 'unchanged' };
    return previous === undefined || previous === '' ? { name, kind: 'added' } : { name, kind: 'replaced', previous };
  });
  if (dryRun || changes.every((c) => c.kind === 'unchanged')) return changes;
  for (const { name, value } of writes) {
    const i = lines.findIndex((line) => LINE.exec(line)?.[1] === name);
    if (i >= 0) lines[i] = `${name}=${value}`;
    else {
      if (lines.length > 0 && lines[lines.length - 1] === '') lines.pop();
      lines.push(`${name}=${value}`, '');
    }
  }
  writeFileSync(path, lines.join('\n'), { mode: 0o600 });
  return changes;
}
