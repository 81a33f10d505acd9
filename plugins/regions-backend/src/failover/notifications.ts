import { parseEntityRef } from '@backstage/catalog-model';
import { FailoverRun } from '@meridian/plugin-regions-common';
import { NotificationService } from '@backstage/plugin-notifications-node';
import { FailoverNotifier } from './FailoverOrchestrator';

/** The topic of every failover notification, so users can mute or route them. */
export const FAILOVER_NOTIFICATION_TOPIC = 'regions-failover';

/** The Failovers tab of the run's region, where the run is shown. */
function linkOf(run: FailoverRun): string {
  const { namespace, name } = parseEntityRef(run.region);
  return `/catalog/${namespace}/region/${name}/failovers?run=${run.id}`;
}

function what(run: FailoverRun): string {
  const regions = `${parseEntityRef(run.region).name} → ${
    parseEntityRef(run.target).name
  }`;
  return run.mode === 'detected'
    ? `Promotion detected: ${regions}`
    : `${run.mode[0].toUpperCase()}${run.mode.slice(1)} ${regions}`;
}

/**
 * Tells the owners of both regions of a run, through Backstage notifications
 * (recipients: the two Region entities, which the notifications backend
 * routes to their owners): a run that waits for their approval, a run that
 * ended, a failover Meridian detected.
 */
export class FailoverNotifications implements FailoverNotifier {
  constructor(private readonly notifications: NotificationService) {}

  async awaitingApproval(run: FailoverRun) {
    await this.send(run, {
      title: `${what(run)} waits for your approval`,
      description: `${run.createdBy} started it; it needs ${
        run.approvalsRequired - run.approvals.length
      } approval(s) of another owner of both regions${
        run.approvalDeadline ? ` before ${run.approvalDeadline}` : ''
      }, or it expires. Nothing is changed until then.`,
      severity: 'high',
      excludeEntityRef: run.createdBy,
    });
  }

  async ended(run: FailoverRun) {
    const failed = ['failed', 'interrupted'].includes(run.status);
    const outcome =
      run.mode === 'detected'
        ? `${
            run.createdBy === 'unknown' ? 'Something' : run.createdBy
          } promoted ${parseEntityRef(run.target).name}${
            run.detection ? ` at ${run.detection.promotedAt}` : ''
          }; data lost: ${
            run.dataLossBytes === null
              ? 'unknown'
              : `${run.dataLossBytes} bytes`
          }`
        : `${run.status}${run.error ? `: ${run.error}` : ''}`;
    await this.send(run, {
      title: run.mode === 'detected' ? what(run) : `${what(run)} ${run.status}`,
      description: outcome,
      severity: failed || run.mode === 'detected' ? 'critical' : 'normal',
    });
  }

  private async send(
    run: FailoverRun,
    message: {
      title: string;
      description: string;
      severity: 'critical' | 'high' | 'normal';
      excludeEntityRef?: string;
    },
  ) {
    await this.notifications.send({
      recipients: {
        type: 'entity',
        entityRef: [run.region, run.target],
        ...(message.excludeEntityRef
          ? { excludeEntityRef: message.excludeEntityRef }
          : {}),
      },
      payload: {
        title: message.title,
        description: message.description,
        link: linkOf(run),
        severity: message.severity,
        topic: FAILOVER_NOTIFICATION_TOPIC,
        scope: `failover-run:${run.id}`,
      },
    });
  }
}
