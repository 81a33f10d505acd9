import {
  formatAge,
  formatBytes,
  formatLag,
  formatLagSeconds,
  formatTimeLeft,
} from './format';

describe('replication formats', () => {
  it('writes bytes in binary units', () => {
    expect(formatBytes(0)).toBe('0 B');
    expect(formatBytes(512)).toBe('512 B');
    expect(formatBytes(14 * 1024)).toBe('14 KiB');
    expect(formatBytes(2.1 * 1024 * 1024)).toBe('2.1 MiB');
    expect(formatBytes(3 * 1024 ** 3)).toBe('3 GiB');
  });

  it('writes a lag in seconds, then minutes', () => {
    expect(formatLagSeconds(0)).toBe('0 s');
    expect(formatLagSeconds(2.14)).toBe('2.1 s');
    expect(formatLagSeconds(45)).toBe('45 s');
    expect(formatLagSeconds(90)).toBe('1 min 30 s');
  });

  it('writes a lag in time and bytes, or a dash when unknown', () => {
    expect(formatLag(2.1, 14 * 1024)).toBe('2.1 s / 14 KiB');
    expect(formatLag(null, 14 * 1024)).toBe('14 KiB');
    expect(formatLag(2.1, undefined)).toBe('2.1 s');
    expect(formatLag(null, null)).toBe('—');
  });

  it('writes how long ago a sample was taken', () => {
    const now = Date.parse('2026-09-20T12:00:05.000Z');
    expect(formatAge('2026-09-20T12:00:00.000Z', now)).toBe('5 s ago');
    expect(formatAge('2026-09-20T11:00:05.000Z', now)).toBe('1 h ago');
    expect(formatAge('2026-09-20T12:00:10.000Z', now)).toBe('just now');
  });

  it('writes how long is left until a time, or that it has passed', () => {
    const now = Date.parse('2026-09-20T12:00:05.000Z');
    expect(formatTimeLeft('2026-09-20T12:28:00.000Z', now)).toBe(
      'in 27 min 55 s',
    );
    expect(formatTimeLeft('2026-09-20T12:00:05.000Z', now)).toBe('passed');
    expect(formatTimeLeft('2026-09-20T11:00:00.000Z', now)).toBe('passed');
  });
});
