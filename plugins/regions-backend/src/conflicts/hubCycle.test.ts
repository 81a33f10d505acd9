import { region } from '../__testUtils__/region';
import { hubCycleRule } from './hubCycle';

const spoke = (name: string, hub?: string, namespace = 'default') =>
  region(name, { hub }, { namespace });

describe('hubCycleRule', () => {
  it('reports a region that is its own hub', () => {
    expect(hubCycleRule.detect([spoke('loop', 'region:default/loop')])).toEqual(
      [
        {
          type: 'hub-cycle',
          regions: ['region:default/loop'],
          field: 'spec.hub',
          message:
            'spec.hub region:default/loop of region:default/loop names the region itself: a region cannot be its own hub',
        },
      ],
    );
  });

  it('reports a cycle once, naming its members in hub order', () => {
    expect(
      hubCycleRule.detect([spoke('b', 'a'), spoke('c', 'b'), spoke('a', 'c')]),
    ).toEqual([
      {
        type: 'hub-cycle',
        regions: ['region:default/a', 'region:default/c', 'region:default/b'],
        field: 'spec.hub',
        message:
          'spec.hub forms a cycle: region:default/a → region:default/c → region:default/b → region:default/a',
      },
    ]);
  });

  it('leaves spokes that lead into a cycle out of it', () => {
    const conflicts = hubCycleRule.detect([
      spoke('edge', 'a'),
      spoke('a', 'b'),
      spoke('b', 'a'),
    ]);
    expect(conflicts).toEqual([
      expect.objectContaining({
        regions: ['region:default/a', 'region:default/b'],
      }),
    ]);
  });

  it('reports separate cycles separately', () => {
    const conflicts = hubCycleRule.detect([
      spoke('a', 'b'),
      spoke('b', 'a'),
      spoke('x', 'x'),
    ]);
    expect(conflicts).toEqual([
      expect.objectContaining({
        regions: ['region:default/a', 'region:default/b'],
      }),
      expect.objectContaining({ regions: ['region:default/x'] }),
    ]);
  });

  it('resolves hubs in the namespace of the region that names them', () => {
    expect(
      hubCycleRule.detect([
        spoke('a', 'b', 'ops'),
        spoke('b', 'a', 'ops'),
        spoke('a'),
        spoke('b'),
      ]),
    ).toEqual([
      expect.objectContaining({
        regions: ['region:ops/a', 'region:ops/b'],
      }),
    ]);
  });

  it('accepts a hub-and-spoke tree and hubs that resolve to no region', () => {
    expect(
      hubCycleRule.detect([
        spoke('global'),
        spoke('regional', 'global'),
        spoke('edge-1', 'regional'),
        spoke('edge-2', 'regional'),
        spoke('orphan', 'region:default/gone'),
      ]),
    ).toEqual([]);
  });
});
