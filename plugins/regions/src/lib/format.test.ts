import {
  formatAge,
  formatBudget,
  formatBytes,
  formatChange,
  formatLag,
  formatLagSeconds,
  formatMoney,
  formatNumber,
  formatPercent,
  formatRpo,
  formatScore,
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

describe('units a careful reader compares across pages', () => {
  it('writes ages past 48 hours in days and hours', () => {
    const now = Date.parse('2026-09-20T12:00:00.000Z');
    // 504 h 2 min 3 s
    expect(formatAge('2026-08-30T11:57:57.000Z', now)).toBe('21 d 0 h ago');
    expect(formatAge('2026-08-30T08:57:57.000Z', now)).toBe('21 d 3 h ago');
    expect(formatAge('2026-09-18T12:00:01.000Z', now)).toBe(
      '47 h 59 min 59 s ago',
    );
    expect(formatAge('2026-09-18T12:00:00.000Z', now)).toBe('2 d 0 h ago');
  });

  it('writes an RPO in one unit whatever its size', () => {
    expect(formatRpo(300)).toBe('5 min');
    expect(formatRpo(45)).toBe('45 s');
    expect(formatRpo(5400)).toBe('1 h 30 min');
  });

  it("writes money, percentages and scores in the user's locale", () => {
    // Intl separates with no-break spaces
    const plain = (text: string) => text.replace(/\s/g, ' ');
    expect(formatMoney(1234.5, 'USD', { locale: 'en-US' })).toBe('$1,234.50');
    expect(plain(formatMoney(1234.5, 'EUR', { locale: 'de-DE' }))).toBe(
      '1.234,50 €',
    );
    expect(plain(formatMoney(1234.5, 'BRL', { locale: 'pt-BR' }))).toBe(
      'R$ 1.234,50',
    );
    expect(formatMoney(12, 'euros', { locale: 'en-US' })).toBe('12.00 euros');
    expect(
      plain(formatBudget({ monthly: 6000, currency: 'EUR' }, 'fr-FR')),
    ).toBe('6 000 € per month');
    expect(formatPercent(0.5923, 'en-US')).toBe('59%');
    expect(plain(formatPercent(0.5923, 'fr-FR'))).toBe('59 %');
    expect(formatPercent(null)).toBe('—');
    expect(formatChange(0.1667, 'en-US')).toBe('+17%');
    expect(formatChange(-0.05, 'en-US')).toBe('-5%');
    expect(formatChange(0, 'en-US')).toBe('0%');
    expect(formatScore(77.84, 'en-US')).toBe('77.8%');
    expect(formatScore(94, 'en-US')).toBe('94%');
    expect(formatNumber(1234, 'en-US')).toBe('1,234');
    expect(formatNumber(1234, 'de-DE')).toBe('1.234');
  });
});
