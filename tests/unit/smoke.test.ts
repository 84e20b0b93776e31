import { expect, it } from 'vitest';
it('runs in the edge runtime', () => { expect(typeof EdgeRuntime).toBe('string'); });
