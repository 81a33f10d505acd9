import { ResponseError } from '@backstage/errors';
import { regionsFailoverRunPermission } from '@meridian/plugin-regions-common';

/**
 * What a 409 means for each request: a run holds the regions, the run is not
 * interrupted, not awaiting approval (or is the user's own, or approved by
 * them already), or has ended.
 */
const CONFLICTS = {
  start: 'A run is already in progress for this region',
  resume: 'The run cannot be resumed',
  approve: 'The run cannot be approved',
  cancel: 'The run cannot be cancelled',
};

/**
 * What the operator should read when the backend refuses to start (or
 * preview), resume, approve or cancel a run: the backend's own message, with what a 403 and
 * a 409 mean. The backend checks the permission on both regions and its 403
 * names the one the user is denied.
 */
export function refusalMessage(
  error: unknown,
  request: keyof typeof CONFLICTS = 'start',
): string {
  if (error instanceof ResponseError) {
    const backendMessage = error.body?.error?.message ?? error.message;
    if (error.statusCode === 403) {
      return `You are not allowed to run this failover (permission ${regionsFailoverRunPermission.name} on both regions: their owners may): ${backendMessage}`;
    }
    if (error.statusCode === 409) {
      return `${CONFLICTS[request]}: ${backendMessage}`;
    }
    return backendMessage;
  }
  return error instanceof Error ? error.message : String(error);
}
