import { AuthService } from '@backstage/backend-plugin-api';
import {
  Entity,
  parseEntityRef,
  stringifyEntityRef,
} from '@backstage/catalog-model';
import { CatalogService } from '@backstage/plugin-catalog-node';
import { RegionEntity } from '@meridian/plugin-regions-common';
import { ReadinessCheck } from '@meridian/plugin-regions-node';
import { perEvaluationRun } from './perEvaluationRun';

const caseless = (ref: string) => ref.toLocaleLowerCase('en-US');

/**
 * The owner is a group or user that exists in the catalog, so someone is
 * paged and can approve a failover.
 */
export function createOwnerKnownCheck(deps: {
  catalog: CatalogService;
  auth: AuthService;
}): ReadinessCheck {
  // Every group and user, once per evaluation run: one catalog read for a
  // thousand regions rather than one each. Refs compare without case, as the
  // catalog's do.
  const ownersIn = perEvaluationRun(async () => {
    const { items } = await deps.catalog.getEntities(
      {
        filter: { kind: ['Group', 'User'] },
        fields: ['kind', 'metadata.name', 'metadata.namespace'],
      },
      { credentials: await deps.auth.getOwnServiceCredentials() },
    );
    return new Set(items.map(entity => caseless(stringifyEntityRef(entity))));
  });
  // An owner that is no group or user is looked up once per run to say what
  // it is, however many regions name it.
  const lookupsIn = perEvaluationRun(
    async () => new Map<string, Promise<Entity | undefined>>(),
  );
  const lookUp = async (ownerRef: string, now: Date) => {
    const lookups = await lookupsIn(now);
    let found = lookups.get(caseless(ownerRef));
    if (!found) {
      found = deps.auth
        .getOwnServiceCredentials()
        .then(credentials =>
          deps.catalog.getEntityByRef(ownerRef, { credentials }),
        );
      lookups.set(caseless(ownerRef), found);
    }
    return found;
  };

  return {
    id: 'owner-known',
    title: 'Owner set and known to the catalog',
    category: 'security',
    remediation:
      'Set spec.owner to a Group (or User) entity that is registered in the catalog.',
    async evaluate({ region, now }) {
      const raw = region.spec.owner;
      let ownerRef: string;
      try {
        ownerRef = stringifyEntityRef(
          parseEntityRef(raw, {
            defaultKind: 'Group',
            defaultNamespace: region.metadata.namespace ?? 'default',
          }),
        );
      } catch {
        return {
          result: 'failed',
          evidence: `spec.owner "${raw}" is not an entity reference`,
        };
      }
      if ((await ownersIn(now)).has(caseless(ownerRef))) {
        return {
          result: 'passed',
          evidence: `owned by ${ownerRef}, in the catalog`,
          evidenceAt: now,
        };
      }
      // not a group or user: which entity it is, if any, says why
      const owner = await lookUp(ownerRef, now);
      if (!owner) {
        return {
          result: 'failed',
          evidence: `spec.owner ${ownerRef} is not in the catalog`,
          evidenceAt: now,
        };
      }
      if (!['group', 'user'].includes(owner.kind.toLocaleLowerCase('en-US'))) {
        return {
          result: 'failed',
          evidence: `spec.owner ${ownerRef} is a ${owner.kind}, not a Group or User`,
          evidenceAt: now,
        };
      }
      // a group or user registered since the run read them
      return {
        result: 'passed',
        evidence: `owned by ${ownerRef}, in the catalog`,
        evidenceAt: now,
      };
    },
  };
}

const GDPR_COUNTRIES = [
  // the European Union
  'AT',
  'BE',
  'BG',
  'HR',
  'CY',
  'CZ',
  'DK',
  'EE',
  'FI',
  'FR',
  'DE',
  'GR',
  'HU',
  'IE',
  'IT',
  'LV',
  'LT',
  'LU',
  'MT',
  'NL',
  'PL',
  'PT',
  'RO',
  'SK',
  'SI',
  'ES',
  'SE',
  // the rest of the European Economic Area, where the GDPR applies too
  'IS',
  'LI',
  'NO',
];

/** The data-protection law a region must declare, by ISO 3166 country code. */
export const RESIDENCY_LAW_BY_COUNTRY: Readonly<Record<string, string>> = {
  BR: 'LGPD',
  ...Object.fromEntries(GDPR_COUNTRIES.map(country => [country, 'GDPR'])),
};

function countryOf(region: RegionEntity): string | undefined {
  return region.spec.location?.country?.toLocaleUpperCase('en-US');
}

/**
 * A region in a country whose law restricts where personal data goes (Brazil:
 * LGPD; the EU and EEA: GDPR) declares that regime in `spec.residency`.
 * Regions elsewhere are left out; a region with no country is `unknown`.
 */
export const residencyDeclaredCheck: ReadinessCheck = {
  id: 'residency-declared',
  title: 'Residency declared where the law requires it',
  category: 'security',
  appliesTo(region) {
    const country = countryOf(region);
    return country === undefined || country in RESIDENCY_LAW_BY_COUNTRY;
  },
  evaluate({ region, syncedAt }) {
    const country = countryOf(region);
    if (country === undefined) {
      return {
        result: 'unknown',
        evidence:
          'spec.location.country is not declared, so which residency law applies is unknown',
        remediation: 'Declare spec.location.country (ISO 3166 code, e.g. BR).',
        evidenceAt: syncedAt,
      };
    }
    const law = RESIDENCY_LAW_BY_COUNTRY[country];
    const declared = region.spec.residency ?? [];
    if (!declared.includes(law)) {
      return {
        result: 'failed',
        evidence: `the region is in ${country}, where ${law} applies, but spec.residency ${
          declared.length > 0
            ? `is [${declared.join(', ')}]`
            : 'is not declared'
        }`,
        remediation: `Add ${law} to spec.residency, and keep the region's data where ${law} allows.`,
        evidenceAt: syncedAt,
      };
    }
    return {
      result: 'passed',
      evidence: `${country}: spec.residency declares ${law}`,
      evidenceAt: syncedAt,
    };
  },
};

/**
 * No residency conflict names the region: nothing deployed in it needs a
 * regime its `spec.residency` lacks, and it replicates no data from a region
 * under one it lacks.
 */
export const residencyRespectedCheck: ReadinessCheck = {
  id: 'residency-respected',
  title: 'Data kept under its residency',
  category: 'security',
  remediation:
    'Deploy the entities the conflicts name only in regions whose spec.residency lists their regimes, or replicate only from regions under the same regimes.',
  evaluate({ conflicts, syncedAt }) {
    const found = conflicts.filter(conflict => conflict.type === 'residency');
    if (found.length > 0) {
      return {
        result: 'failed',
        evidence: `${found.length} residency ${
          found.length === 1 ? 'conflict' : 'conflicts'
        }: ${found.map(conflict => conflict.message).join('; ')}`,
        evidenceAt: syncedAt,
      };
    }
    return {
      result: 'passed',
      evidence:
        'no residency conflict: what it runs and replicates stays under its regimes',
      evidenceAt: syncedAt,
    };
  },
};
