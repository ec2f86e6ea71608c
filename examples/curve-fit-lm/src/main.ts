/**
 * Curve fitting with `ml-levenberg-marquardt`, its Jacobian computed by diffint instead of the
 * package's finite differences: the model y = a·e^(−b·x)·cos(c·x) + d is written once with
 * portable math, and `jacobian(model, tape(), params, constant(xs))` gives ∂yᵢ/∂params for
 * every data point in one reverse pass per row. The data are the model at known parameters;
 * the fit must recover them (to 1e-6), and exits non-zero otherwise.
 */
import { constant, jacobian, type NDArray } from '@diffint/core';
import * as m from '@diffint/core/math';
import { tape } from '@diffint/tape';
import { levenbergMarquardt } from 'ml-levenberg-marquardt';

const truth = [2.5, 1.3, 3.0, 0.5];
const xs = Float64Array.from({ length: 60 }, (_, i) => (i * 3) / 59);

/** The model at every x, for a parameter vector [a, b, c, d]. */
const model = (p: m.Value, x: Float64Array) =>
  m.add(
    m.mul(m.mul(m.get(p, 0), m.exp(m.mul(m.neg(m.get(p, 1)), x))), m.cos(m.mul(m.get(p, 2), x))),
    m.get(p, 3),
  );
const ys = model(Float64Array.from(truth), xs) as Float64Array;

/** The model of one x, as the package calls it. */
const parameterizedFunction = (params: number[]) => {
  const y = model(Float64Array.from(params), xs) as Float64Array;
  return (x: number) => y[xs.indexOf(x)]!;
};

/** ∂y/∂params at every x at once, handed out row by row. */
let jacobians = 0;
const jacobianFunction = (params: number[]) => {
  jacobians++;
  const J: NDArray = jacobian(model, tape(), Float64Array.from(params), constant(xs));
  return (x: number) => {
    const row = xs.indexOf(x);
    return Array.from(J.data.subarray(row * params.length, (row + 1) * params.length));
  };
};

const options = { initialValues: [1, 1, 2.5, 0], maxIterations: 200, errorTolerance: 1e-14, damping: 1e-2 };
const exact = levenbergMarquardt({ x: xs, y: ys }, parameterizedFunction, { ...options, jacobianFunction });
const byDifferences = levenbergMarquardt({ x: xs, y: ys }, parameterizedFunction, options);

const error = (p: number[]) => Math.max(...p.map((v, i) => Math.abs(v - truth[i]!)));
console.log(
  `diffint's Jacobian: ${exact.iterations} iterations (${jacobians} Jacobians), parameters ${exact.parameterValues.map((v) => v.toFixed(8)).join(', ')}, error ${error(exact.parameterValues).toExponential(1)}`,
);
console.log(
  `finite differences: ${byDifferences.iterations} iterations, error ${error(byDifferences.parameterValues).toExponential(1)}`,
);
if (!(error(exact.parameterValues) < 1e-6)) {
  console.error("FAILED: the fit with diffint's Jacobian did not recover the parameters to 1e-6");
  process.exit(1);
}
