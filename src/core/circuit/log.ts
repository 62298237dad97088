export const log2Ceil = (n: number): number => (n <= 1 ? 0 : Math.ceil(Math.log2(n)));
