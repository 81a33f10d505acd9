export { RegionsPage, RegionsPageContent } from './RegionsPage';
