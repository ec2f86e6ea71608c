/** The primitive table: every primitive of diffint, by name. */
import type { Primitive, PrimitiveName } from '../primitive.js';
import { abs } from './abs.js';
import { add } from './add.js';
import { broadcastTo } from './broadcastTo.js';
import { concat } from './concat.js';
import { cos } from './cos.js';
import { div } from './div.js';
import { equal } from './equal.js';
import { exp } from './exp.js';
import { greater } from './greater.js';
import { greaterEqual } from './greaterEqual.js';
import { less } from './less.js';
import { lessEqual } from './lessEqual.js';
import { log } from './log.js';
import { matmul } from './matmul.js';
import { matmulNoNan } from './matmulNoNan.js';
import { maximum } from './maximum.js';
import { minimum } from './minimum.js';
import { mul } from './mul.js';
import { mulNoNan } from './mulNoNan.js';
import { neg } from './neg.js';
import { pad } from './pad.js';
import { pow } from './pow.js';
import { reshape } from './reshape.js';
import { sigmoid } from './sigmoid.js';
import { sign } from './sign.js';
import { sin } from './sin.js';
import { slice } from './slice.js';
import { sqrt } from './sqrt.js';
import { square } from './square.js';
import { sub } from './sub.js';
import { sum } from './sum.js';
import { tan } from './tan.js';
import { tanh } from './tanh.js';
import { transpose } from './transpose.js';
import { where } from './where.js';

// Declaration files drop the imports above (only their values are used), so these bare imports
// keep each primitive's PrimitiveParams entry visible to code type-checked against the build.
import './abs.js';
import './add.js';
import './broadcastTo.js';
import './concat.js';
import './cos.js';
import './div.js';
import './equal.js';
import './exp.js';
import './greater.js';
import './greaterEqual.js';
import './less.js';
import './lessEqual.js';
import './log.js';
import './matmul.js';
import './matmulNoNan.js';
import './maximum.js';
import './minimum.js';
import './mul.js';
import './mulNoNan.js';
import './neg.js';
import './pad.js';
import './pow.js';
import './reshape.js';
import './sigmoid.js';
import './sign.js';
import './sin.js';
import './slice.js';
import './sqrt.js';
import './square.js';
import './sub.js';
import './sum.js';
import './tan.js';
import './tanh.js';
import './transpose.js';
import './where.js';

/**
 * Every primitive by name: what an engine that lowers primitives to its own ops checks
 * itself against (a test can fail naming each primitive it lacks).
 */
export const primitives: { readonly [N in PrimitiveName]: Primitive<N> } = {
  abs,
  add,
  broadcastTo,
  concat,
  cos,
  div,
  equal,
  exp,
  greater,
  greaterEqual,
  less,
  lessEqual,
  log,
  matmul,
  matmulNoNan,
  maximum,
  minimum,
  mul,
  mulNoNan,
  neg,
  pad,
  pow,
  reshape,
  sigmoid,
  sign,
  sin,
  slice,
  sqrt,
  square,
  sub,
  sum,
  tan,
  tanh,
  transpose,
  where,
};
