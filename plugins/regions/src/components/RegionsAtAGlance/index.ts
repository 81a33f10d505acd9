export { RegionsAtAGlance } from './RegionsAtAGlance';
