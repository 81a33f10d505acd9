import ipaddr from 'ipaddr.js';

/** A parsed CIDR block. @public */
export interface ParsedCidr {
  /** The block as written. */
  cidr: string;
  /** The network address with the prefix, e.g. `10.16.0.0/16`. */
  canonical: string;
  family: 'ipv4' | 'ipv6';
  prefixLength: number;
  /** Network address and last address as big integers, for overlap and allocation arithmetic. */
  first: bigint;
  last: bigint;
}

function toBigInt(address: ipaddr.IPv4 | ipaddr.IPv6): bigint {
  return address
    .toByteArray()
    .reduce((acc, byte) => (acc << 8n) | BigInt(byte), 0n);
}

/**
 * Parses a CIDR block. Throws an Error naming the value when it is malformed
 * or not canonical (host bits set, as in `10.16.1.0/16`).
 * @public
 */
export function parseCidr(cidr: string): ParsedCidr {
  let address: ipaddr.IPv4 | ipaddr.IPv6;
  let prefixLength: number;
  try {
    // By family: ipaddr.parseCIDR tries IPv6 first and throws on every IPv4
    // block, which a sync over 10,000 regions pays for in seconds.
    [address, prefixLength] = cidr.includes(':')
      ? ipaddr.IPv6.parseCIDR(cidr)
      : ipaddr.IPv4.parseCIDR(cidr);
  } catch {
    throw new Error(`"${cidr}" is not a CIDR block like 10.16.0.0/16`);
  }
  const family = address.kind();
  const network =
    family === 'ipv4'
      ? ipaddr.IPv4.networkAddressFromCIDR(cidr)
      : ipaddr.IPv6.networkAddressFromCIDR(cidr);
  const canonical = `${network.toString()}/${prefixLength}`;
  const first = toBigInt(network);
  if (first !== toBigInt(address)) {
    throw new Error(
      `"${cidr}" is not canonical: host bits are set below /${prefixLength}; did you mean ${canonical}?`,
    );
  }
  const bits = family === 'ipv4' ? 32 : 128;
  const size = 1n << BigInt(bits - prefixLength);
  return {
    cidr,
    canonical,
    family,
    prefixLength,
    first,
    last: first + size - 1n,
  };
}

/** True when two parsed blocks share at least one address. @public */
export function cidrsOverlap(a: ParsedCidr, b: ParsedCidr): boolean {
  return a.family === b.family && a.first <= b.last && b.first <= a.last;
}
