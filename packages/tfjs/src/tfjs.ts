/**
 * tfjs(): TensorFlow.js's own automatic differentiation behind diffint's engine interface.
 * f runs on traced values wrapping float32 tensors; gradients and pullbacks are TensorFlow.js
 * gradients of Σ⟨cotangent, output⟩; pushforwards use the double-VJP trick; Hessian-vector
 * products are gradients of gradients. Every tensor an operator creates is disposed before it
 * returns: results are read back as float64 values, or, inside an enclosing tfjs
 * differentiation, handed to it as its own traced values (see TfTrace). The adapter imports
 * '@tensorflow/tfjs', whose entry points (Node's and bundlers') register every gradient: an app
 * that imports only '@tensorflow/tfjs-core' and a backend differentiates all the same.
 */
import {
  type BatchResult,
  type Engine,
  type LeafFn,
  type PrepKey,
  type Value,
  shapeOf,
} from '@diffint/core/engine';
import { NonScalarOutputError } from '@diffint/core';
import * as tf from '@tensorflow/tfjs';
import { dotAll, gradientsOf, inPass } from './differentiate.js';

type Shape = readonly number[];
type Seed = readonly Value[];

export type TfjsOptions = {};

export interface TfjsEngine extends Engine {
  readonly name: 'tfjs';
}

/**
 * One reverse pass: f's outputs and Jᵀ·seed, the seed chosen from the outputs (`undefined`: no
 * seed, the gradients are not needed).
 */
function vjp(f: LeafFn, xs: readonly Value[], seedOf: (ys: Value[]) => Seed | undefined) {
  let ys: Value[] = [];
  let grads: Value[] = [];
  inPass(xs, (pass) => {
    const r = gradientsOf(
      () =>
        pass.run(f, (outs) => {
          ys = outs.map((o) => pass.trace.outputOf(o));
          const seed = seedOf(ys);
          return seed === undefined ? tf.scalar(0) : pass.trace.innerProduct(outs, seed);
        }),
      pass.inputs,
    );
    grads = pass.results(r.grads, xs.map(shapeOf));
  });
  return { ys, grads };
}

/** f's outputs, with no derivative. */
function evaluate(f: LeafFn, xs: readonly Value[]): Value[] {
  let ys: Value[] = [];
  inPass(xs, (pass) => {
    ys = pass.run(f, (outs) => outs.map((o) => pass.trace.outputOf(o)));
  });
  return ys;
}

/**
 * J·t by the double-VJP trick: g(u) = Jᵀu is linear in u, so the gradient of ⟨g(u), t⟩ with
 * respect to u is J·t, at any u (zeros here). u needs the output shapes before f runs.
 */
function jvp(f: LeafFn, xs: readonly Value[], tangent: Seed, yShapes: readonly Shape[]) {
  let ys: Value[] = [];
  let jt: Value[] = [];
  inPass(xs, (pass) => {
    const ts = tangent.map((t) => pass.trace.tensorOf(t));
    const us = yShapes.map((s) => tf.zeros([...s]));
    const r = gradientsOf(() => {
      const inner = gradientsOf(
        () =>
          pass.run(f, (outs) => {
            ys = outs.map((o) => pass.trace.outputOf(o));
            return pass.trace.innerProduct(
              outs,
              us.map((u) => pass.trace.input(u)),
            );
          }),
        pass.inputs,
      );
      return dotAll(inner.grads, ts);
    }, us);
    jt = pass.results(r.grads, yShapes);
  });
  return { ys, jt };
}

function checkScalar(ys: readonly Value[]): void {
  if (ys.length !== 1 || shapeOf(ys[0]!).length !== 0) {
    throw new NonScalarOutputError(
      'a second derivative (hessian, hvp)',
      ys.length === 1 ? shapeOf(ys[0]!) : [ys.length],
    );
  }
}

/** H·t as the gradient of ⟨∇f, t⟩, with f(x) and ∇f(x). */
function hvpPass(f: LeafFn, xs: readonly Value[], tangent: Seed) {
  let y: Value = Number.NaN;
  let gradient: Value[] = [];
  let ht: Value[] = [];
  inPass(xs, (pass) => {
    const ts = tangent.map((t) => pass.trace.tensorOf(t));
    const shapes = xs.map(shapeOf);
    const r = gradientsOf(() => {
      const inner = gradientsOf(
        () =>
          pass.run(f, (outs) => {
            checkScalar(outs);
            y = pass.trace.outputOf(outs[0]!);
            return pass.trace.innerProduct(outs, [1]);
          }),
        pass.inputs,
      );
      gradient = pass.results(inner.grads, shapes);
      return dotAll(inner.grads, ts);
    }, pass.inputs);
    ht = pass.results(r.grads, shapes);
  });
  return { y, gradient, ht };
}

/** The TensorFlow.js engine (float32), on whatever backend TensorFlow.js has set. */
export function tfjs(_options: TfjsOptions = {}): TfjsEngine {
  /** Output shapes per preparation: the double-VJP trick needs them before f runs. */
  const outputShapes = new WeakMap<PrepKey, readonly Shape[]>();
  return {
    kind: 'engine',
    name: 'tfjs',
    precision: 'float32',
    mode: 'reverse',
    pullback(f, xs, cotangents): BatchResult {
      let ys: Value[] = [];
      let seeds: readonly Seed[] = [];
      const results: Value[][] = [];
      // The first pass learns the outputs and the cotangents; each further cotangent runs f again.
      for (let k = 0; k === 0 || k < seeds.length; k++) {
        const r = vjp(f, xs, (outs) => {
          if (k === 0) {
            ys = outs;
            seeds = cotangents(outs);
          }
          return seeds[k];
        });
        if (k < seeds.length) results.push(r.grads);
      }
      return { ys, results };
    },
    pushforward(f, xs, tangents, key): BatchResult {
      let yShapes = outputShapes.get(key);
      let ys: Value[] | null = null;
      if (yShapes === undefined || tangents.length === 0) {
        ys = evaluate(f, xs);
        yShapes = ys.map(shapeOf);
        outputShapes.set(key, yShapes);
      }
      const results = tangents.map((t) => {
        const r = jvp(f, xs, t, yShapes);
        ys ??= r.ys;
        return r.jt;
      });
      return { ys: ys ?? [], results };
    },
    hvp(f, xs, tangents) {
      if (tangents.length === 0) {
        const r = vjp(f, xs, (ys) => {
          checkScalar(ys);
          return [1];
        });
        return { y: r.ys[0]!, gradient: r.grads, results: [] };
      }
      let y: Value = Number.NaN;
      let gradient: Value[] = [];
      const results = tangents.map((t, k) => {
        const r = hvpPass(f, xs, t);
        if (k === 0) {
          y = r.y;
          gradient = r.gradient;
        }
        return r.ht;
      });
      return { y, gradient, results };
    },
  };
}
