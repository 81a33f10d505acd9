import { parseEntityRef } from '@backstage/catalog-model';
import { NotificationService } from '@backstage/plugin-notifications-node';
import { PlanValidation } from '@meridian/plugin-regions-common';

/** The topic of every plan notification, so users can mute or route them. */
export const PLAN_NOTIFICATION_TOPIC = 'regions-plan';

/** Who is told when a failover plan starts failing or passes again. */
export interface PlanNotifier {
  changed(validation: PlanValidation): Promise<void>;
}

/**
 * Tells the owners of both regions of a plan, through Backstage notifications
 * (recipients: the two Region entities), that its validation started failing
 * — with what fails — or passes again. One scope per plan, so the news of a
 * recovery replaces that of the failure in the owners' inbox.
 */
export class PlanNotifications implements PlanNotifier {
  constructor(private readonly notifications: NotificationService) {}

  async changed(validation: PlanValidation) {
    const { region, target, ok } = validation;
    const source = parseEntityRef(region);
    const plan = `${source.name} → ${parseEntityRef(target).name}`;
    const failing = validation.checks.filter(check => !check.passed);
    await this.notifications.send({
      recipients: { type: 'entity', entityRef: [region, target] },
      payload: {
        title: ok
          ? `Failover plan ${plan} passes again`
          : `Failover plan ${plan} fails its pre-flight`,
        description: ok
          ? `An emergency failover of ${region} to ${target} passes every pre-flight check again (validated ${validation.validatedAt}).`
          : `An emergency failover of ${region} to ${target} would stop at its pre-flight (validated ${
              validation.validatedAt
            }): ${failing
              .map(check => `${check.title}: ${check.detail}`)
              .join('; ')}`,
        link: `/catalog/${source.namespace}/region/${source.name}/failovers`,
        severity: ok ? 'normal' : 'high',
        topic: PLAN_NOTIFICATION_TOPIC,
        scope: `failover-plan:${region}:${target}`,
      },
    });
  }
}
