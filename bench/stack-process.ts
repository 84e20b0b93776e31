// The local stack in a process of its own for the benchmarks, so that CPU measured in the bench process (the handler
// loop) and in the app's process tree is never the stand-ins'. Prints one JSON line {controlUrl, env}, then serves
// until SIGTERM. Usage: tsx bench/stack-process.ts <appUrl>
import { startControlServer } from '../local/control';
import { startLocalStack } from '../local/stack';

const appUrl = process.argv[2];
if (!appUrl) throw new Error('usage: stack-process.ts <appUrl>');
const stack = await startLocalStack({ appUrl });
const control = await startControlServer(stack);
process.stdout.write(`${JSON.stringify({ controlUrl: control.url, env: stack.env })}\n`);
process.on('SIGTERM', () => {
  void Promise.allSettled([control.stop(), stack.stop()]).then(() => process.exit(0));
});
