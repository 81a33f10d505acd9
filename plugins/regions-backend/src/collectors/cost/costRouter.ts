import { makeValidator, stringifyEntityRef } from '@backstage/catalog-model';
import { Config } from '@backstage/config';
import { InputError, NotFoundError } from '@backstage/errors';
import {
  COST_WINDOWS,
  CostSummaryResponse,
  CostWindow,
  REGION_KIND,
  RegionCostSummary,
  RegionEntity,
  resolveRegionRef,
} from '@meridian/plugin-regions-common';
import express from 'express';
import Router from 'express-promise-router';
import { CostStore } from '../../database/CostStore';
import { DatabaseRegionsStore } from '../../database/DatabaseRegionsStore';
import { CostCollector } from './CostCollector';
import {
  buildCostResponse,
  monthDays,
  summarizeMonth,
  windowDays,
} from './costReport';
import { OpenCostCostSource } from './OpenCostCostSource';

const validator = makeValidator();

/** The currency OpenCost prices in when `regions.opencost.currency` is not set. */
export const DEFAULT_COST_CURRENCY = 'USD';

/** Reads `regions.opencost.currency`, an ISO 4217 code. */
export function readCostCurrency(config: Config): string {
  const currency =
    config.getOptionalString('regions.opencost.currency') ??
    DEFAULT_COST_CURRENCY;
  if (!/^[A-Z]{3}$/.test(currency)) {
    throw new Error(
      `regions.opencost.currency "${currency}" is not an ISO 4217 code like USD`,
    );
  }
  return currency;
}

/**
 * Reads `regions.opencost`'s settings the cost routes answer with: the
 * currency, and whether the configured OpenCost serves demo data
 * (`regions.opencost.demo`), which every cost view then labels as such.
 */
export function readCostSettings(config: Config): {
  currency: string;
  demo: boolean;
} {
  return {
    currency: readCostCurrency(config),
    demo: config.getOptionalBoolean('regions.opencost.demo') ?? false,
  };
}

function readWindow(value: unknown): CostWindow {
  if (value === undefined) {
    return '30d';
  }
  if (!COST_WINDOWS.includes(value as CostWindow)) {
    throw new InputError(
      `window "${value}" is not one of ${COST_WINDOWS.join(', ')}`,
    );
  }
  return value as CostWindow;
}

/**
 * The cost routes: `GET /regions/:namespace/:name/cost?window=30d` and
 * `GET /costs`, every region's month so far for the Regions page. Both answer
 * from stored days, whatever state OpenCost is in.
 */
export async function createCostRouter(options: {
  regions: DatabaseRegionsStore;
  store: CostStore;
  collector: CostCollector;
  currency: string;
  /** True when the costs are demo data (`regions.opencost.demo`). */
  demo?: boolean;
  clock?: () => Date;
}): Promise<express.Router> {
  const { regions, store, collector, currency } = options;
  const demo = options.demo ?? false;
  const now = () => options.clock?.() ?? new Date();
  const router = Router();

  /** The months of `wanted`; `refs` narrows the read to them (all regions when omitted). */
  async function summaries(
    wanted: RegionEntity[],
    at: Date,
    refs?: string[],
  ): Promise<RegionCostSummary[]> {
    const month = monthDays(at);
    const [totals, states] = await Promise.all([
      store.getTotals(month.from, month.to, refs),
      store.getStates(),
    ]);
    return wanted.map(region => {
      const regionRef = stringifyEntityRef(region);
      const { problem: _problem, ...summary } = summarizeMonth({
        region,
        regionRef,
        monthToDate: totals.get(regionRef) ?? 0,
        state: states.get(regionRef),
        currency,
        now: at,
      });
      return summary;
    });
  }

  router.get('/regions/:namespace/:name/cost', async (req, res) => {
    const window = readWindow(req.query.window);
    const { namespace, name } = req.params;
    if (!validator.isValidNamespace(namespace)) {
      throw new InputError(`"${namespace}" is not a valid namespace`);
    }
    if (!validator.isValidEntityName(name)) {
      throw new InputError(`"${name}" is not a valid region name`);
    }
    const regionRef = stringifyEntityRef({
      kind: REGION_KIND,
      namespace,
      name,
    });
    const found = await regions.getRegion(regionRef);
    if (!found) {
      throw new NotFoundError(`No region ${regionRef} in the catalog`);
    }
    const { region } = found;
    const at = now();
    const span = windowDays(window, at);
    const month = monthDays(at);
    const source = collector.sourceOf(region);
    const { regions: all } = await regions.getSnapshot();
    const spokes = all
      .filter(other => resolveRegionRef(other.spec.hub, other) === regionRef)
      .sort((a, b) =>
        stringifyEntityRef(a).localeCompare(stringifyEntityRef(b)),
      );
    const [days, previousDays, monthTotals, state, spokeSummaries] =
      await Promise.all([
        store.getDays(regionRef, span.from, span.to),
        store.getDays(regionRef, span.previousFrom, span.previousTo),
        store.getTotals(month.from, month.to, [regionRef]),
        store.getState(regionRef),
        summaries(
          spokes,
          at,
          spokes.map(spoke => stringifyEntityRef(spoke)),
        ),
      ]);
    res.json({
      ...buildCostResponse({
        region,
        regionRef,
        window,
        days,
        previousDays,
        monthToDate: monthTotals.get(regionRef) ?? 0,
        state,
        sourceId: source?.id,
        clusters:
          source instanceof OpenCostCostSource
            ? source.clustersOf(region)
            : state?.clusters ?? [],
        currency,
        spokes: spokeSummaries,
        now: at,
      }),
      demo,
    });
  });

  router.get('/costs', async (_req, res) => {
    const { regions: all } = await regions.getSnapshot();
    const listed = await summaries(all, now());
    const body: CostSummaryResponse = {
      currency,
      demo,
      regions: listed,
      total: {
        monthToDate: listed.reduce((sum, r) => sum + r.monthToDate, 0),
        forecast: listed.reduce((sum, r) => sum + r.forecast, 0),
      },
    };
    res.json(body);
  });

  return router;
}
