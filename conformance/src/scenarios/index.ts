import type { Family, Scenario } from '../types.js';
import { closureCacheScenarios } from './closure-cache.js';
import { constantScenarios } from './constant.js';
import { paramStructScenarios } from './param-struct.js';
import { secondOrderScenarios } from './second-order.js';
import { sparseFamilyScenarios } from './sparse.js';
import { standardScenarios } from './standard.js';

export {
  closureCacheScenarios,
  constantScenarios,
  paramStructScenarios,
  secondOrderScenarios,
  sparseFamilyScenarios,
  standardScenarios,
};
export { type Analytic, matrix, matvec, vecmat, scenariosFrom, seedLike, wave } from './derive.js';

/** Every scenario of the suite, family by family. */
export const scenarios: readonly Scenario[] = [
  ...closureCacheScenarios,
  ...paramStructScenarios,
  ...constantScenarios,
  ...standardScenarios,
  ...secondOrderScenarios,
  ...sparseFamilyScenarios,
];

export function scenariosOf(family: Family): Scenario[] {
  return scenarios.filter((s) => s.family === family);
}
