import { AuthService } from '@backstage/backend-plugin-api';
import { stringifyEntityRef } from '@backstage/catalog-model';
import { CatalogService } from '@backstage/plugin-catalog-node';
import {
  ANNOTATION_DEPLOYED_REGIONS,
  DEPLOYABLE_KINDS,
  getDeployedRegionRefs,
} from '@meridian/plugin-regions-common';
import { ReadinessCheck } from '@meridian/plugin-regions-node';
import { perEvaluationRun } from './perEvaluationRun';

/** How many hosted entities the evidence names before it counts the rest. */
const NAMED_IN_EVIDENCE = 5;

/**
 * Components, resources or systems run in the region: entities whose
 * `meridian.dev/regions` annotation names it (the catalog's `hosts`
 * relation). Reads the catalog once per evaluation run, for all regions.
 */
export function createComponentsDeployedCheck(deps: {
  catalog: CatalogService;
  auth: AuthService;
}): ReadinessCheck {
  async function readHosted(): Promise<Map<string, string[]>> {
    const { items } = await deps.catalog.getEntities(
      {
        filter: { kind: [...DEPLOYABLE_KINDS] },
        fields: [
          'kind',
          'metadata.name',
          'metadata.namespace',
          'metadata.annotations',
        ],
      },
      { credentials: await deps.auth.getOwnServiceCredentials() },
    );
    const hosted = new Map<string, string[]>();
    for (const entity of items) {
      for (const regionRef of getDeployedRegionRefs(entity)) {
        const list = hosted.get(regionRef) ?? [];
        list.push(stringifyEntityRef(entity));
        hosted.set(regionRef, list);
      }
    }
    return hosted;
  }

  const hostedIn = perEvaluationRun(readHosted);

  return {
    id: 'components-deployed',
    title: 'Components deployed',
    category: 'deployment',
    remediation: `Annotate the components, resources or systems that run in the region with ${ANNOTATION_DEPLOYED_REGIONS}.`,
    async evaluate({ regionRef, now }) {
      const refs = ((await hostedIn(now)).get(regionRef) ?? []).sort();
      if (refs.length === 0) {
        return {
          result: 'failed',
          evidence: `no component, resource or system in the catalog names the region in ${ANNOTATION_DEPLOYED_REGIONS}`,
          evidenceAt: now,
        };
      }
      const named = refs.slice(0, NAMED_IN_EVIDENCE).join(', ');
      const more = refs.length - NAMED_IN_EVIDENCE;
      return {
        result: 'passed',
        evidence: `${refs.length} hosted: ${named}${
          more > 0 ? ` and ${more} more` : ''
        }`,
        evidenceAt: now,
      };
    },
  };
}
