import { Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { createLogger } from '../logger.js';
import { countingLogger } from './errors.js';

describe('countingLogger', () => {
  it('counts error lines by component and rooms that failed, and still logs them', async () => {
    const registry = new Registry();
    const lines: string[] = [];
    const log = countingLogger(
      createLogger('info', (_level, line) => lines.push(line)),
      registry,
    );
    log.error('unhandled error in a request');
    const sync = log.child({ component: 'sync' });
    sync.child({ room: 'r1' }).error('room failed; closing its connections so clients resync from storage');
    sync.warn('a warning is not an error');

    const text = await registry.metrics();
    expect(text).toContain('workspace_errors_logged_total{component="server"} 1');
    expect(text).toContain('workspace_errors_logged_total{component="sync"} 1');
    expect(text).toContain('workspace_rooms_failed_total 1');
    expect(lines.map((l) => (JSON.parse(l) as { msg: string; component?: string; room?: string }))).toEqual([
      expect.objectContaining({ msg: 'unhandled error in a request' }),
      expect.objectContaining({ component: 'sync', room: 'r1' }),
      expect.objectContaining({ msg: 'a warning is not an error' }),
    ]);
  });
});
