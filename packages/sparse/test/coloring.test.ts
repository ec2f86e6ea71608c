/**
 * Colorings: every order's coloring of random and structured patterns passes the independent
 * checks (structurally orthogonal columns or rows; star colorings star and symmetrically
 * orthogonal), the checks themselves reject bad colorings, and known patterns get the colors
 * their structure allows.
 */
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import {
  type ColoringOrder,
  adjacencyGraph,
  bestColoring,
  coloringOrders,
  columnIntersectionGraph,
  greedyColoring,
  isColumnOrthogonal,
  isRowOrthogonal,
  isStarColoring,
  isSymmetricallyOrthogonal,
  rowIntersectionGraph,
  starColoring,
  vertexOrder,
} from '../src/index.js';
import {
  arrowheadPattern,
  bandedPattern,
  patternFrom,
  rowsWhere,
  stencilPattern,
  tridiagonal,
} from './support.js';

/** A random pattern: rows × cols with each entry present with probability `density`. */
const randomPattern = fc
  .record({
    rows: fc.integer({ min: 0, max: 25 }),
    cols: fc.integer({ min: 0, max: 25 }),
    density: fc.double({ min: 0, max: 0.6, noNaN: true }),
    seed: fc.integer(),
  })
  .map(({ rows, cols, density, seed }) => {
    let s = seed >>> 0;
    const next = () => {
      s = (s * 1664525 + 1013904223) >>> 0;
      return s / 2 ** 32;
    };
    return patternFrom(
      rowsWhere(rows, cols, () => next() < density),
      cols,
    );
  });

/** A random symmetric pattern, with its diagonal present or not at random. */
const randomSymmetric = fc
  .record({
    n: fc.integer({ min: 0, max: 25 }),
    density: fc.double({ min: 0, max: 0.5, noNaN: true }),
    seed: fc.integer(),
  })
  .map(({ n, density, seed }) => {
    let s = seed >>> 0;
    const next = () => {
      s = (s * 22695477 + 1) >>> 0;
      return s / 2 ** 32;
    };
    const on = Array.from({ length: n }, () => new Array<boolean>(n).fill(false));
    for (let i = 0; i < n; i++) {
      for (let j = i; j < n; j++) {
        const v = next() < density;
        on[i]![j] = v;
        on[j]![i] = v;
      }
    }
    return patternFrom(
      rowsWhere(n, n, (i, j) => on[i]![j]!),
      n,
    );
  });

const everyOrder = (order: ColoringOrder) => order;

describe('every coloring passes the independent checks', () => {
  test.each(coloringOrders.map(everyOrder))('column and row colorings of random patterns (%s)', (order) => {
    fc.assert(
      fc.property(randomPattern, (P) => {
        const cols = greedyColoring(
          columnIntersectionGraph(P),
          vertexOrder(columnIntersectionGraph(P), order),
        );
        const rows = greedyColoring(rowIntersectionGraph(P), vertexOrder(rowIntersectionGraph(P), order));
        expect(isColumnOrthogonal(P, cols)).toBe(true);
        expect(isRowOrthogonal(P, rows)).toBe(true);
      }),
      { numRuns: 200 },
    );
  });

  test.each(coloringOrders.map(everyOrder))('star colorings of random symmetric patterns (%s)', (order) => {
    fc.assert(
      fc.property(randomSymmetric, (P) => {
        const g = adjacencyGraph(P);
        const colors = starColoring(g, vertexOrder(g, order));
        expect(isStarColoring(P, colors)).toBe(true);
        expect(isSymmetricallyOrthogonal(P, colors)).toBe(true);
      }),
      { numRuns: 200 },
    );
  });

  test('every order visits every vertex once; largest-first by non-increasing degree', () => {
    fc.assert(
      fc.property(randomSymmetric, (P) => {
        const g = adjacencyGraph(P);
        for (const order of coloringOrders) {
          expect([...vertexOrder(g, order)].sort((a, b) => a - b)).toEqual(
            Array.from({ length: g.n }, (_, v) => v),
          );
        }
        const degrees = Array.from(vertexOrder(g, 'largest-first'), (v) => g.ptr[v + 1]! - g.ptr[v]!);
        expect(degrees).toEqual([...degrees].sort((a, b) => b - a));
      }),
    );
  });

  test('the best coloring has no more colors than any order', () => {
    fc.assert(
      fc.property(randomPattern, (P) => {
        const g = columnIntersectionGraph(P);
        const best = bestColoring(g, 'distance-1');
        for (const order of coloringOrders) {
          const colors = greedyColoring(g, vertexOrder(g, order));
          expect(best.ncolors).toBeLessThanOrEqual(colors.length === 0 ? 0 : Math.max(...colors) + 1);
        }
      }),
    );
  });
});

describe('structured patterns get the colors their structure allows', () => {
  test.each([
    ['tridiagonal', patternFrom(bandedPattern(50), 50), 3],
    [
      'bandwidth 2 (pentadiagonal)',
      patternFrom(
        rowsWhere(40, 40, (i, j) => Math.abs(i - j) <= 2),
        40,
      ),
      5,
    ],
    [
      'diagonal',
      patternFrom(
        rowsWhere(30, 30, (i, j) => i === j),
        30,
      ),
      1,
    ],
    [
      'block-diagonal, blocks of 4',
      patternFrom(
        rowsWhere(24, 24, (i, j) => Math.floor(i / 4) === Math.floor(j / 4)),
        24,
      ),
      4,
    ],
  ] as const)('%s: columns and rows', (_, P, colors) => {
    expect(bestColoring(columnIntersectionGraph(P), 'distance-1').ncolors).toBe(colors);
    expect(bestColoring(rowIntersectionGraph(P), 'distance-1').ncolors).toBe(colors);
  });

  test('arrowhead: a dense row and column need n colors by columns or by rows', () => {
    const P = patternFrom(arrowheadPattern(10), 10);
    expect(bestColoring(columnIntersectionGraph(P), 'distance-1').ncolors).toBe(10);
  });

  test('a five-point stencil on a 10 × 10 grid: between the optimum, 5, and greedy’s 7', () => {
    // A cell and its four neighbors share the cell's row, so 5 colors are needed ((i + 2j) mod 5
    // is optimal); greedy orders reach 7, far below the 13 of the graph's largest degree + 1.
    const P = patternFrom(stencilPattern(10), 100);
    const c = bestColoring(columnIntersectionGraph(P), 'distance-1');
    expect(isColumnOrthogonal(P, c.colors)).toBe(true);
    expect(c.ncolors).toBeGreaterThanOrEqual(5);
    expect(c.ncolors).toBeLessThanOrEqual(7);
  });

  test('tridiagonal Hessian: star coloring with 3 colors (a distance-2 coloring needs 3 too, a star one cannot do with 2)', () => {
    const P = patternFrom(tridiagonal(100), 100);
    const c = bestColoring(adjacencyGraph(P), 'star');
    expect(c.ncolors).toBe(3);
    expect(isStarColoring(P, c.colors)).toBe(true);
  });

  test('arrowhead Hessian: star coloring with 2 colors, where a column coloring needs n', () => {
    const P = patternFrom(arrowheadPattern(12), 12);
    const c = bestColoring(adjacencyGraph(P), 'star');
    expect(c.ncolors).toBe(2);
    expect(isSymmetricallyOrthogonal(P, c.colors)).toBe(true);
  });
});

describe('the checks reject bad colorings', () => {
  const P = patternFrom(tridiagonal(4), 4);

  test('two columns of one row with one color', () => {
    expect(isColumnOrthogonal(P, Int32Array.of(0, 1, 2, 0))).toBe(true);
    expect(isColumnOrthogonal(P, Int32Array.of(0, 1, 0, 1))).toBe(false);
    expect(isRowOrthogonal(P, Int32Array.of(0, 1, 0, 1))).toBe(false);
    expect(isColumnOrthogonal(P, Int32Array.of(0, 1, 2))).toBe(false);
  });

  test('a two-colored path of four vertices is not star, and not symmetrically orthogonal', () => {
    // A path 0–1–2–3 colored 0, 1, 0, 1: distance-1, but H[1, 2] cannot be recovered.
    expect(isStarColoring(P, Int32Array.of(0, 1, 0, 1))).toBe(false);
    expect(isSymmetricallyOrthogonal(P, Int32Array.of(0, 1, 0, 1))).toBe(false);
    expect(isStarColoring(P, Int32Array.of(0, 1, 2, 0))).toBe(true);
    expect(isSymmetricallyOrthogonal(P, Int32Array.of(0, 1, 2, 0))).toBe(true);
  });

  test('neighbors of one color', () => {
    expect(isStarColoring(P, Int32Array.of(0, 0, 1, 2))).toBe(false);
    expect(isSymmetricallyOrthogonal(P, Int32Array.of(0, 0, 1, 2))).toBe(false);
  });
});
