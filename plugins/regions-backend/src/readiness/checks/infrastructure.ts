import {
  RegionEntity,
  resolveRegionRef,
  validateRegionEntity,
} from '@meridian/plugin-regions-common';
import { ReadinessCheck } from '@meridian/plugin-regions-node';

/** The entity passes the Region validation and no conflict names it. */
export const catalogValidCheck: ReadinessCheck = {
  id: 'catalog-valid',
  title: 'Valid entity with no conflicts',
  category: 'infrastructure',
  remediation:
    'Fix the fields the problems name in the Region entity; the next catalog sync clears them.',
  evaluate({ region, conflicts, syncedAt }) {
    const problems = validateRegionEntity(region).map(p => p.message);
    const found = [...problems, ...conflicts.map(c => c.message)];
    if (found.length > 0) {
      return {
        result: 'failed',
        evidence: found.join('; '),
        evidenceAt: syncedAt,
      };
    }
    return {
      result: 'passed',
      evidence:
        'valid Region entity, named by no conflict of the last catalog sync',
      evidenceAt: syncedAt,
    };
  },
};

function hubLinkProblems(region: RegionEntity): string[] {
  const { spec } = region;
  const problems: string[] = [];
  if (spec.type !== 'global-hub') {
    const hub = resolveRegionRef(spec.hub, region);
    if (!hub) {
      problems.push(`spec.hub is not declared for a ${spec.type}`);
    } else if (
      !(spec.links ?? []).some(
        link => resolveRegionRef(link.to, region) === hub,
      )
    ) {
      problems.push(`spec.links has no link to the hub ${hub}`);
    }
  }
  (spec.links ?? []).forEach((link, i) => {
    if (link.latencyTargetMs === undefined) {
      problems.push(`spec.links[${i}] to ${link.to} has no latencyTargetMs`);
    }
  });
  if (spec.userLatencyTargetMs === undefined) {
    problems.push('spec.userLatencyTargetMs is not declared');
  }
  return problems;
}

/**
 * A spoke declares its hub and a link to it; every link and the users carry a
 * latency target.
 */
export const hubAndLatencyTargetsCheck: ReadinessCheck = {
  id: 'hub-and-latency-targets',
  title: 'Hub link and latency targets declared',
  category: 'infrastructure',
  remediation:
    'Declare spec.hub (except for a global hub), a spec.links entry to the hub, a latencyTargetMs on every link and spec.userLatencyTargetMs.',
  evaluate({ region, syncedAt }) {
    const problems = hubLinkProblems(region);
    if (problems.length > 0) {
      return {
        result: 'failed',
        evidence: problems.join('; '),
        evidenceAt: syncedAt,
      };
    }
    const { spec } = region;
    const links = (spec.links ?? [])
      .map(link => `${link.to} ${link.latencyTargetMs} ms`)
      .join(', ');
    return {
      result: 'passed',
      evidence: `users ${spec.userLatencyTargetMs} ms${
        links ? `; links: ${links}` : ''
      }${spec.hub ? `; hub ${resolveRegionRef(spec.hub, region)}` : ''}`,
      evidenceAt: syncedAt,
    };
  },
};
