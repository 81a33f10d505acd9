import { cidrsOverlap, parseCidr } from './cidr';

describe('parseCidr', () => {
  it('parses canonical IPv4 and IPv6 blocks', () => {
    const block = parseCidr('10.16.0.0/12');
    expect(block).toMatchObject({
      canonical: '10.16.0.0/12',
      family: 'ipv4',
      prefixLength: 12,
    });
    expect(block.last - block.first + 1n).toBe(1n << 20n);
    expect(parseCidr('2001:db8::/32').family).toBe('ipv6');
  });

  it('names the canonical block when host bits are set', () => {
    expect(() => parseCidr('10.16.1.0/16')).toThrow(
      '"10.16.1.0/16" is not canonical: host bits are set below /16; did you mean 10.16.0.0/16?',
    );
  });

  it.each(['10.16.0.0', '10.16.0.0/40', '300.1.1.1/8', ''])(
    'rejects %p',
    value => {
      expect(() => parseCidr(value)).toThrow(`"${value}" is not a CIDR block`);
    },
  );
});

describe('cidrsOverlap', () => {
  const overlap = (a: string, b: string) =>
    cidrsOverlap(parseCidr(a), parseCidr(b));
  it('finds containment and identity', () => {
    expect(overlap('10.16.0.0/12', '10.17.0.0/16')).toBe(true);
    expect(overlap('10.17.0.0/16', '10.16.0.0/12')).toBe(true);
    expect(overlap('10.2.0.0/16', '10.2.0.0/16')).toBe(true);
  });
  it('keeps adjacent blocks and other families apart', () => {
    expect(overlap('10.16.0.0/16', '10.17.0.0/16')).toBe(false);
    expect(overlap('10.0.0.0/12', '10.16.0.0/12')).toBe(false);
    expect(overlap('10.0.0.0/8', '2001:db8::/32')).toBe(false);
  });
});
