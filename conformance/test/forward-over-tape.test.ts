import { conformanceOf } from './support/adapter.js';

await conformanceOf('forward-over-tape');
