import { Entity } from '@backstage/catalog-model';
import { runbookPath, runbooksSitePath } from './runbooks';

function regionWith(annotations: Record<string, string>): Entity {
  return {
    apiVersion: 'meridian.dev/v1alpha1',
    kind: 'Region',
    metadata: { name: 'us-east', namespace: 'payments', annotations },
  };
}

describe('runbooksSitePath', () => {
  it("is the region's own site when it has techdocs-ref", () => {
    expect(
      runbooksSitePath(regionWith({ 'backstage.io/techdocs-ref': 'dir:.' })),
    ).toBe('/docs/payments/region/us-east');
  });

  it('is the site of the entity techdocs-entity names, first', () => {
    const site = runbooksSitePath(
      regionWith({
        'backstage.io/techdocs-ref': 'dir:.',
        'backstage.io/techdocs-entity': 'component:default/meridian-runbooks',
      }),
    );
    expect(site).toBe('/docs/default/component/meridian-runbooks');
    expect(runbookPath(site!, 'failback')).toBe(
      '/docs/default/component/meridian-runbooks/runbooks/failback/',
    );
  });

  it("resolves a techdocs-entity without namespace in the region's", () => {
    expect(
      runbooksSitePath(
        regionWith({ 'backstage.io/techdocs-entity': 'system:runbooks' }),
      ),
    ).toBe('/docs/payments/system/runbooks');
  });

  it('is undefined without docs, or with a techdocs-entity that is no entity ref', () => {
    expect(runbooksSitePath(regionWith({}))).toBeUndefined();
    expect(
      runbooksSitePath(
        regionWith({ 'backstage.io/techdocs-entity': 'meridian-runbooks' }),
      ),
    ).toBeUndefined();
  });
});
