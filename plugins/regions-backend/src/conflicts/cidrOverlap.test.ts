import { cidrsOverlap, parseCidr } from '@meridian/plugin-regions-common';
import { region } from '../__testUtils__/region';
import { cidrOverlapRule } from './cidrOverlap';

const withCidr = (name: string, cidr: string) =>
  region(name, { network: { cidr } });

describe('cidrOverlapRule', () => {
  it('names both regions and both blocks when one block contains the other', () => {
    expect(
      cidrOverlapRule.detect([
        withCidr('studio-ne', '10.17.0.0/16'),
        withCidr('x', '10.16.0.0/12'),
      ]),
    ).toEqual([
      {
        type: 'cidr-overlap',
        regions: ['region:default/studio-ne', 'region:default/x'],
        field: 'spec.network.cidr',
        message:
          'spec.network.cidr 10.17.0.0/16 of region:default/studio-ne overlaps 10.16.0.0/12 of region:default/x',
      },
    ]);
  });

  it('reports two regions claiming the same block', () => {
    expect(
      cidrOverlapRule.detect([
        withCidr('a', '10.16.0.0/16'),
        withCidr('b', '10.16.0.0/16'),
      ]),
    ).toHaveLength(1);
  });

  it('reports each overlapping pair once', () => {
    const conflicts = cidrOverlapRule.detect([
      withCidr('pool', '10.16.0.0/12'),
      withCidr('sul', '10.16.0.0/16'),
      withCidr('ne', '10.17.0.0/16'),
    ]);
    expect(conflicts).toEqual([
      expect.objectContaining({
        regions: ['region:default/pool', 'region:default/sul'],
      }),
      expect.objectContaining({
        regions: ['region:default/pool', 'region:default/ne'],
      }),
    ]);
  });

  it('finds overlaps between IPv6 blocks', () => {
    expect(
      cidrOverlapRule.detect([
        withCidr('a', 'fd00::/8'),
        withCidr('b', 'fd12:3456::/32'),
      ]),
    ).toHaveLength(1);
  });

  it('accepts adjacent blocks, blocks of different families and regions without a block', () => {
    expect(
      cidrOverlapRule.detect([
        withCidr('sul', '10.16.0.0/16'),
        withCidr('ne', '10.17.0.0/16'),
        withCidr('v6', '::/0'),
        region('no-network'),
        region('pool-only', { network: { pool: 'brazil' } }),
      ]),
    ).toEqual([]);
  });

  it('lists every overlapping pair of a large catalog, in catalog order, as comparing each pair would', async () => {
    // blocks of every size from /8 to /24 inside 10.0.0.0/8, some repeated,
    // in a shuffled but fixed order
    const cidrs: string[] = [];
    for (let i = 0; i < 400; i++) {
      const prefix = 8 + ((i * 7) % 17);
      const address = (10 << 24) + ((i * 2654435761) % (1 << 24));
      const network = (address >>> (32 - prefix)) << (32 - prefix);
      const octets = [24, 16, 8, 0].map(shift => (network >>> shift) & 255);
      cidrs.push(`${octets.join('.')}/${prefix}`);
    }
    const regions = cidrs.map((cidr, i) => withCidr(`r${i}`, cidr));
    const expected: string[][] = [];
    cidrs.forEach((a, i) =>
      cidrs.slice(i + 1).forEach((b, k) => {
        if (cidrsOverlap(parseCidr(a), parseCidr(b))) {
          expected.push([
            `region:default/r${i}`,
            `region:default/r${i + 1 + k}`,
          ]);
        }
      }),
    );
    expect(expected.length).toBeGreaterThan(400);
    expect((await cidrOverlapRule.detect(regions)).map(c => c.regions)).toEqual(
      expected,
    );
  });
});
