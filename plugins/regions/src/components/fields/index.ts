export { RegionPicker } from './RegionPicker';
export type { RegionPickerUiOptions } from './RegionPicker';
export { CidrPoolPicker } from './CidrPoolPicker';
export { RegionEntityPreview } from './RegionEntityPreview';
