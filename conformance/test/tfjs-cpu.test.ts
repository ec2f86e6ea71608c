import { conformanceOf } from './support/adapter.js';

await conformanceOf('tfjs (cpu)');
