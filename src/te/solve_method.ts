/**
 * The methods of `keiro solve` (core-rs `te::solve::Method`).
 * @module
 */

/**
 * The solver methods: `milp` (unsplittable optimum), `lp` (splittable optimum, the bound), `sp`
 * (hop shortest path), `greedy` (sequential minimax) and `greedy_ls` (greedy, then local search).
 */
export const SOLVE_METHODS = ["milp", "lp", "sp", "greedy", "greedy_ls"] as const;

/** One of {@link SOLVE_METHODS}. */
export type SolveMethod = typeof SOLVE_METHODS[number];
