// startPostgresCluster: a throwaway PostgreSQL server (Debian's `postgresql` binaries) under .local/, for the tests that
// race: initdb, pg_ctl start on a free port with its unix socket inside the cluster's directory and fsync off, and a
// stop() that removes it all. initdb refuses root, so as root the binaries run as the `postgres` user (runuser).
import { execFileSync, spawnSync } from 'node:child_process';
import { chownSync, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort } from './free-port';

export interface PostgresCluster {
  /** postgresql://postgres@127.0.0.1:<port>/postgres */
  url: string;
  /** The server's major version, e.g. 15. */
  major: number;
  dir: string;
  stop(): Promise<void>;
}

/** The directory holding initdb/pg_ctl: the one on PATH, else the newest /usr/lib/postgresql/<major>/bin. */
export function findPostgresBin(): string | undefined {
  const onPath = spawnSync('sh', ['-c', 'command -v initdb'], { encoding: 'utf8' });
  if (onPath.status === 0 && onPath.stdout.trim()) return join(onPath.stdout.trim(), '..');
  const root = '/usr/lib/postgresql';
  if (!existsSync(root)) return undefined;
  const majors = readdirSync(root).filter((d) => existsSync(join(root, d, 'bin', 'initdb'))).sort((a, b) => Number(a) - Number(b));
  return majors.length ? join(root, majors.at(-1)!, 'bin') : undefined;
}

export async function startPostgresCluster(options: { parent?: string } = {}): Promise<PostgresCluster> {
  const bin = findPostgresBin();
  if (!bin) throw new Error('PostgreSQL is not installed (initdb not found): apt-get install -y postgresql');
  const asRoot = process.getuid?.() === 0;
  const asUser = asRoot ? ['runuser', '-u', 'postgres', '--'] : [];
  const run = (cmd: string, args: string[]) => {
    const [exe, ...rest] = [...asUser, join(bin, cmd), ...args];
    return execFileSync(exe!, rest, { stdio: 'pipe', encoding: 'utf8' });
  };
  const parent = options.parent ?? fileURLToPath(new URL('../.local', import.meta.url));
  mkdirSync(parent, { recursive: true });
  const dir = mkdtempSync(join(parent, 'pg-'));
  if (asRoot) {
    const uid = Number(execFileSync('id', ['-u', 'postgres'], { encoding: 'utf8' }));
    const gid = Number(execFileSync('id', ['-g', 'postgres'], { encoding: 'utf8' }));
    chownSync(dir, uid, gid);
  }
  const data = join(dir, 'data');
  let started = false;
  const stop = (): Promise<void> => {
    if (started) {
      try {
        run('pg_ctl', ['-D', data, '-m', 'immediate', 'stop']);
      } catch {
        // already gone
      }
      started = false;
    }
    rmSync(dir, { recursive: true, force: true });
    return Promise.resolve();
  };
  try {
    run('initdb', ['-D', data, '-A', 'trust', '-U', 'postgres', '--no-sync', '-E', 'UTF8', '--no-locale']);
    const port = await freePort();
    const serverOptions = [
      `-p ${port}`,
      `-k ${dir}`,
      '-c listen_addresses=127.0.0.1',
      '-c fsync=off',
      '-c synchronous_commit=off',
      '-c full_page_writes=off',
      '-c max_connections=200',
    ].join(' ');
    run('pg_ctl', ['-D', data, '-o', serverOptions, '-l', join(dir, 'log'), '-w', 'start']);
    started = true;
    const major = Number(/(\d+)/.exec(run('pg_ctl', ['--version']))?.[1] ?? 0);
    return { url: `postgresql://postgres@127.0.0.1:${port}/postgres`, major, dir, stop };
  } catch (err) {
    await stop();
    throw err;
  }
}
