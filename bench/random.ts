/**
 * A small seeded generator (mulberry32): the same seed gives the same programme on every
 * run and every machine, so figures from two runs describe the same data.
 * @example const r = seeded(7); r.next() // => 0.0837… every time
 */
export function seeded(seed: number) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return {
    next,
    /** A whole number in [min, max]. */
    int: (min: number, max: number) => min + Math.floor(next() * (max - min + 1)),
    /** Roughly normal (sum of uniforms), mean 0 and standard deviation 1. */
    normal: () => {
      let s = 0;
      for (let i = 0; i < 12; i++) s += next();
      return s - 6;
    },
  };
}
export type Random = ReturnType<typeof seeded>;
