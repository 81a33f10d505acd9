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
});
