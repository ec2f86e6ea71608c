import { conformanceOf } from './support/adapter.js';

// Forward mode with its programs interpreted instead of run as generated code.
await conformanceOf('forward (interpreted)');
