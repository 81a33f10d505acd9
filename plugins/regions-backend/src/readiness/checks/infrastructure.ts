import {
  RegionEntity,
  resolveRegionRef,
  TopologyEdge,
  topologyEdgesOf,
  validateRegionEntity,
} from '@meridian/plugin-regions-common';
import { ReadinessCheck } from '@meridian/plugin-regions-node';
import { withMeasuredLatency } from '../../collectors/latency/measuredLatency';
import { LinkMeasurement } from '../../database/LinkLatencyStore';

/** The entity passes the Region validation and no conflict names it. */
export const catalogValidCheck: ReadinessCheck = {
  id: 'catalog-valid',
  title: 'Valid entity with no conflicts',
  category: 'infrastructure',
  remediation:
    'Fix the fields the problems name in the Region entity; the next catalog sync clears them.',
  evaluate({ region, conflicts, syncedAt }) {
    const problems = validateRegionEntity(region).map(p => p.message);
    // Residency conflicts count in security (residency-respected).
    const found = [
      ...problems,
      ...conflicts.filter(c => c.type !== 'residency').map(c => c.message),
    ];
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

/**
 * Every link with a latency target is measured within it (by Prometheus or a
 * probe run from the region's network).
 */
export function createLatencyWithinTargetsCheck(deps: {
  linkLatency: { list(): Promise<LinkMeasurement[]> };
}): ReadinessCheck {
  return {
    id: 'latency-within-targets',
    title: 'Links within their latency targets',
    category: 'infrastructure',
    remediation:
      'Measure the links: set regions.latency.prometheus (e.g. blackbox exporter probe_duration_seconds labelled with both regions), or a probe with `from` run from the region; then bring the slow links under their spec.links[].latencyTargetMs.',
    async evaluate({ region, regionRef, now }) {
      const measurements = await deps.linkLatency.list();
      const links = withMeasuredLatency(
        topologyEdgesOf(region).filter(edge => edge.kind === 'link'),
        measurements,
        now.getTime(),
      ).filter(edge => edge.latency);
      if (links.length === 0) {
        return {
          result: 'unknown',
          evidence: `${regionRef} declares no link with a latency target`,
        };
      }
      const describe = (edge: TopologyEdge) =>
        `${edge.to} ${
          edge.latency!.measuredMs === null
            ? 'not measured'
            : `${edge.latency!.measuredMs} ms`
        } (target ${edge.latency!.targetMs} ms)`;
      const breached = links.filter(edge => edge.latency!.breached);
      const unmeasured = links.filter(
        edge => edge.latency!.measuredMs === null,
      );
      const measuredAt = links
        .map(edge => edge.latency!.measuredAt)
        .filter((at): at is string => at !== null)
        .sort()
        .pop();
      const newest = measuredAt ? new Date(measuredAt) : null;
      if (breached.length > 0) {
        return {
          result: 'failed',
          evidence: `over target: ${breached.map(describe).join(', ')}`,
          evidenceAt: newest,
        };
      }
      if (unmeasured.length > 0) {
        return {
          result: 'unknown',
          evidence: `not measured in the last 15 minutes: ${unmeasured
            .map(describe)
            .join(', ')}`,
          evidenceAt: newest,
        };
      }
      return {
        result: 'passed',
        evidence: links.map(describe).join(', '),
        evidenceAt: newest,
      };
    },
  };
}
