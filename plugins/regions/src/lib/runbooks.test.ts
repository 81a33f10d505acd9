import { Entity } from '@backstage/catalog-model';
import { runbookPath, runbooksDocsEntity } from './runbooks';

function regionWith(annotations: Record<string, string>): Entity {
  return {
    apiVersion: 'meridian.dev/v1alpha1',
    kind: 'Region',
    metadata: { name: 'us-east', namespace: 'payments', annotations },
  };
}

describe('runbooksDocsEntity', () => {
  it("is the region's own site when it has techdocs-ref", () => {
    expect(
      runbooksDocsEntity(regionWith({ 'backstage.io/techdocs-ref': 'dir:.' })),
    ).toEqual({
      namespace: 'payments',
      kind: 'region',
      name: 'us-east',
    });
  });

  it('is the site of the entity techdocs-entity names, first', () => {
    const site = runbooksDocsEntity(
      regionWith({
        'backstage.io/techdocs-ref': 'dir:.',
        'backstage.io/techdocs-entity': 'component:default/meridian-runbooks',
      }),
    );
    expect(site).toEqual({
      namespace: 'default',
      kind: 'component',
      name: 'meridian-runbooks',
    });
    expect(
      runbookPath('/docs/default/component/meridian-runbooks', 'failback'),
    ).toBe('/docs/default/component/meridian-runbooks/runbooks/failback/');
  });

  it("resolves a techdocs-entity without namespace in the region's", () => {
    expect(
      runbooksDocsEntity(
        regionWith({ 'backstage.io/techdocs-entity': 'system:runbooks' }),
      ),
    ).toEqual({
      namespace: 'payments',
      kind: 'system',
      name: 'runbooks',
    });
  });

  it('is undefined without docs, or with a techdocs-entity that is no entity ref', () => {
    expect(runbooksDocsEntity(regionWith({}))).toBeUndefined();
    expect(
      runbooksDocsEntity(
        regionWith({ 'backstage.io/techdocs-entity': 'meridian-runbooks' }),
      ),
    ).toBeUndefined();
  });
});
