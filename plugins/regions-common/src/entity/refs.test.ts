import { getDeployedRegionRefs, normalizeRegionRef } from './refs';

describe('region refs', () => {
  it('defaults kind to region and namespace to the context', () => {
    expect(normalizeRegionRef('us-east')).toBe('region:default/us-east');
    expect(normalizeRegionRef('us-east', { defaultNamespace: 'ops' })).toBe(
      'region:ops/us-east',
    );
    expect(normalizeRegionRef('region:eu/eu-west-1')).toBe(
      'region:eu/eu-west-1',
    );
  });

  it('reads the meridian.dev/regions annotation in the entity namespace', () => {
    expect(
      getDeployedRegionRefs({
        apiVersion: 'backstage.io/v1alpha1',
        kind: 'Component',
        metadata: {
          name: 'checkout',
          namespace: 'shop',
          annotations: {
            'meridian.dev/regions': ' us-east ,region:default/us-west,, ',
          },
        },
      }),
    ).toEqual(['region:shop/us-east', 'region:default/us-west']);
  });
});
