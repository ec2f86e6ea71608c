import type { Family, Scenario } from '../types.js';
import { closureCacheScenarios } from './closure-cache.js';
import { constantScenarios } from './constant.js';
import { contractScenarios } from './contract.js';
import { customScenarios } from './custom.js';
import { kinksScenarios } from './kinks.js';
import { opsScenarios } from './ops.js';
import { paramStructScenarios } from './param-struct.js';
import { secondOrderScenarios } from './second-order.js';
import { sparseFamilyScenarios } from './sparse.js';
import { standardScenarios } from './standard.js';

export {
  closureCacheScenarios,
  constantScenarios,
  contractScenarios,
  customScenarios,
  kinksScenarios,
  opsScenarios,
  paramStructScenarios,
  secondOrderScenarios,
  sparseFamilyScenarios,
  standardScenarios,
};
export {
  type Analytic,
  type ScenarioCommon,
  matrix,
  matvec,
  vecmat,
  scenariosFrom,
  seedLike,
  wave,
} from './derive.js';
export {
  type VariantKind,
  enclosed,
  inPlaceForm,
  nestedForm,
  throughBuffer,
  throughCache,
  variantKinds,
  withConstant,
  withVariants,
} from './variants.js';

/** Each family's scenarios: adding a family is adding its name to `families` and one line here. */
export const scenariosByFamily: { readonly [F in Family]: readonly Scenario[] } = {
  'closure-cache': closureCacheScenarios,
  'param-struct': paramStructScenarios,
  constant: constantScenarios,
  standard: standardScenarios,
  'second-order': secondOrderScenarios,
  kinks: kinksScenarios,
  contract: contractScenarios,
  sparse: sparseFamilyScenarios,
  ops: opsScenarios,
  custom: customScenarios,
};

/** Every scenario of the suite, family by family. */
export const scenarios: readonly Scenario[] = Object.values(scenariosByFamily).flat();

/** The scenarios of one family, in their order in `scenarios`. */
export function scenariosOf(family: Family): Scenario[] {
  return scenarios.filter((s) => s.family === family);
}
