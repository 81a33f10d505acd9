import {
  AuthorizeResult,
  createPermission,
} from '@backstage/plugin-permission-common';
import {
  regionsFailoverRunPermission,
  regionsRegionCreatePermission,
} from '@meridian/plugin-regions-common';
import { MeridianPermissionPolicy } from './permissionPolicy';

const guest = {
  identity: {
    type: 'user' as const,
    userEntityRef: 'user:default/guest',
    ownershipEntityRefs: ['user:default/guest', 'group:default/payments-team'],
  },
  token: 'token',
  credentials: {} as any,
  info: {
    userEntityRef: 'user:default/guest',
    ownershipEntityRefs: ['user:default/guest', 'group:default/payments-team'],
  },
};

const catalogEntityReadPermission = createPermission({
  name: 'catalog.entity.read',
  attributes: { action: 'read' },
  resourceType: 'catalog-entity',
});

describe('MeridianPermissionPolicy', () => {
  const policy = new MeridianPermissionPolicy();

  it('lets the catalog decide a failover run: allowed only to owners of the region', async () => {
    expect(
      await policy.handle({ permission: regionsFailoverRunPermission }, guest),
    ).toEqual({
      result: AuthorizeResult.CONDITIONAL,
      pluginId: 'catalog',
      resourceType: 'catalog-entity',
      conditions: {
        rule: 'IS_ENTITY_OWNER',
        resourceType: 'catalog-entity',
        params: {
          claims: ['user:default/guest', 'group:default/payments-team'],
        },
      },
    });
  });

  it('gives a caller without a user no ownership claims', async () => {
    const decision = await policy.handle({
      permission: regionsFailoverRunPermission,
    });
    expect(decision).toMatchObject({
      result: AuthorizeResult.CONDITIONAL,
      conditions: { params: { claims: [] } },
    });
  });

  it('lets signed-in users create regions, and no service on its own', async () => {
    expect(
      await policy.handle({ permission: regionsRegionCreatePermission }, guest),
    ).toEqual({ result: AuthorizeResult.ALLOW });
    expect(
      await policy.handle({ permission: regionsRegionCreatePermission }),
    ).toEqual({ result: AuthorizeResult.DENY });
  });

  it('allows everything else', async () => {
    expect(
      await policy.handle({ permission: catalogEntityReadPermission }, guest),
    ).toEqual({ result: AuthorizeResult.ALLOW });
  });
});
