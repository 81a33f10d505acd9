import { LoggerService } from '@backstage/backend-plugin-api';
import { parseEntityRef } from '@backstage/catalog-model';
import { NotificationService } from '@backstage/plugin-notifications-node';
import { AlertStateStore } from '../database/AlertStateStore';

/** What to tell the owners when an alert enters a state. */
export interface AlertNotice {
  title: string;
  description: string;
  severity: 'critical' | 'high' | 'normal' | 'low';
  /** The region page tab it is about, e.g. `replication`. */
  tab: string;
}

/**
 * Notifies the owners of regions when an alert changes state — once per
 * change, not per tick, and once across backend instances (the change is
 * claimed in {@link AlertStateStore}). The first state an alert is seen in is
 * told only when `isNews` says so (a breach, not an "ok").
 */
export class RegionAlerts {
  constructor(
    private readonly deps: {
      states: AlertStateStore;
      notifications: NotificationService;
      logger: LoggerService;
    },
  ) {}

  /**
   * Records `state` for `key` and, when it changed, sends `notice(previous)`
   * to the owners of `regions` (the first region's page is linked).
   */
  async record(options: {
    key: string;
    state: string;
    regions: string[];
    topic: string;
    isNews: (state: string, previous: string | null) => boolean;
    notice: (previous: string | null) => AlertNotice;
  }): Promise<boolean> {
    const previous = await this.deps.states.transition(
      options.key,
      options.state,
    );
    if (previous === undefined || !options.isNews(options.state, previous)) {
      return false;
    }
    const notice = options.notice(previous);
    const { namespace, name } = parseEntityRef(options.regions[0]);
    try {
      await this.deps.notifications.send({
        recipients: { type: 'entity', entityRef: options.regions },
        payload: {
          title: notice.title,
          description: notice.description,
          severity: notice.severity,
          topic: options.topic,
          link: `/catalog/${namespace}/region/${name}${
            notice.tab ? `/${notice.tab}` : ''
          }`,
          scope: options.key,
        },
      });
      return true;
    } catch (error) {
      this.deps.logger.warn(
        `Could not notify the owners of ${options.regions.join(', ')} about ${
          options.key
        }: ${error}`,
      );
      return false;
    }
  }
}
