export * from './types';
export * from './extensions';
