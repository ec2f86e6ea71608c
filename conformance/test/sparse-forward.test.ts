import { conformanceOf } from './support/adapter.js';

await conformanceOf('sparse(forward)');
