export { regionsApiRef } from './RegionsApi';
export type { RegionsApi } from './RegionsApi';
export { RegionsClient } from './RegionsClient';
