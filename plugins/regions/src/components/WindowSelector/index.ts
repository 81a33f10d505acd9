export { useWindowParam, WindowSelector } from './WindowSelector';
