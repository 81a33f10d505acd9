import { createRouteRef } from '@backstage/core-plugin-api';

/**
 * The Regions page. A legacy route ref, which the new frontend system accepts
 * too, so that both plugin flavours share it.
 *
 * @public
 */
export const rootRouteRef = createRouteRef({ id: 'regions' });
