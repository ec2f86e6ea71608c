import type { Scenario } from '../types.js';
import { brusselatorScenario } from './brusselator.js';
import { constantNetworkScenario } from './constantNetwork.js';
import { elementLoopScenario } from './elementLoop.js';
import { fixedCostScenario } from './fixedCost.js';
import { hvpScenario } from './hvp.js';
import { mlpScenario } from './mlp.js';
import { rosenbrockScenario } from './rosenbrock.js';
import { scalarLoopScenario } from './scalarLoop.js';

/** Every scenario, in the order of the report. */
export const scenarios: readonly Scenario[] = [
  rosenbrockScenario,
  mlpScenario,
  brusselatorScenario,
  hvpScenario,
  constantNetworkScenario,
  scalarLoopScenario,
  elementLoopScenario,
  fixedCostScenario,
];
