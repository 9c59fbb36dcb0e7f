/** The part of jStat that Demoplot uses: the studentized range (ports of R's ptukey/qtukey). */
declare module 'jstat' {
  interface Tukey {
    cdf(q: number, nmeans: number, df: number): number;
    inv(p: number, nmeans: number, df: number): number;
  }
  const jStat: { tukey: Tukey };
  export default jStat;
  export { jStat };
}
