//! Topology generators: NSFNET, Newman–Watts–Strogatz, grid and Waxman graphs, each returned as
//! a list of undirected links `(u, v)` with `u < v`, sorted, without duplicates.

use crate::rng::Rng;

/// The NSFNET edge list of the seed project (14 nodes, 21 links).
pub const NSFNET: [(usize, usize); 21] = [
    (0, 1),
    (0, 2),
    (0, 7),
    (1, 2),
    (1, 3),
    (2, 5),
    (3, 4),
    (3, 10),
    (4, 5),
    (4, 6),
    (5, 9),
    (5, 12),
    (6, 7),
    (7, 8),
    (8, 9),
    (8, 11),
    (8, 13),
    (10, 11),
    (10, 13),
    (11, 12),
    (12, 13),
];

fn _normalise(mut links: Vec<(usize, usize)>) -> Vec<(usize, usize)> {
    links.iter_mut().for_each(|l| *l = (l.0.min(l.1), l.0.max(l.1)));
    links.sort_unstable();
    links.dedup();
    links
}

/// Newman–Watts–Strogatz: a ring where each node links to its `k / 2` nearest neighbours on each
/// side, then for every ring link (u, v) with probability `p` a shortcut u–w to a uniformly drawn
/// node w that is neither u nor already adjacent (networkx's `newman_watts_strogatz_graph`).
pub fn nws(n: usize, k: usize, p: f64, rng: &mut Rng) -> Vec<(usize, usize)> {
    let mut adj = vec![vec![false; n]; n];
    let mut links = Vec::new();
    let add = |u: usize, v: usize, adj: &mut Vec<Vec<bool>>, links: &mut Vec<(usize, usize)>| {
        adj[u][v] = true;
        adj[v][u] = true;
        links.push((u, v));
    };
    let mut ring = Vec::new();
    for j in 1..=(k / 2).max(1) {
        for u in 0..n {
            let v = (u + j) % n;
            if u != v && !adj[u][v] {
                add(u, v, &mut adj, &mut links);
                ring.push((u, v));
            }
        }
    }
    for (u, _) in ring {
        if rng.unit() < p {
            let degree = adj[u].iter().filter(|&&a| a).count();
            if degree >= n - 1 {
                continue;
            }
            let w = loop {
                let w = rng.below(n as u64) as usize;
                if w != u && !adj[u][w] {
                    break w;
                }
            };
            add(u, w, &mut adj, &mut links);
        }
    }
    _normalise(links)
}

/// A `rows × cols` grid (4-neighbour lattice).
pub fn grid(rows: usize, cols: usize) -> Vec<(usize, usize)> {
    let mut links = Vec::new();
    for r in 0..rows {
        for c in 0..cols {
            let u = r * cols + c;
            if c + 1 < cols {
                links.push((u, u + 1));
            }
            if r + 1 < rows {
                links.push((u, u + cols));
            }
        }
    }
    _normalise(links)
}

/// Waxman graph in the unit square: link probability `beta · exp(−d / (alpha · L))` with `L` the
/// largest distance (networkx's defaults beta = 0.4, alpha = 0.1). Components are then joined,
/// each to the rest through its closest pair of nodes, so the graph is connected.
pub fn waxman(n: usize, beta: f64, alpha: f64, rng: &mut Rng) -> Vec<(usize, usize)> {
    let pos: Vec<(f64, f64)> = (0..n).map(|_| (rng.unit(), rng.unit())).collect();
    let dist = |u: usize, v: usize| ((pos[u].0 - pos[v].0).powi(2) + (pos[u].1 - pos[v].1).powi(2)).sqrt();
    let l = (0..n).flat_map(|u| (u + 1..n).map(move |v| (u, v))).map(|(u, v)| dist(u, v)).fold(0.0, f64::max).max(1e-12);
    let mut links = Vec::new();
    for u in 0..n {
        for v in u + 1..n {
            if rng.unit() < beta * (-dist(u, v) / (alpha * l)).exp() {
                links.push((u, v));
            }
        }
    }
    loop {
        let comp = _components(n, &links);
        if comp.iter().all(|&c| c == 0) {
            break;
        }
        // join component 0 to the nearest node outside it
        let best = (0..n)
            .filter(|&u| comp[u] == 0)
            .flat_map(|u| (0..n).filter(|&v| comp[v] != 0).map(move |v| (u, v)))
            .min_by(|a, b| dist(a.0, a.1).total_cmp(&dist(b.0, b.1)))
            .expect("two components exist");
        links.push(best);
    }
    _normalise(links)
}

fn _components(n: usize, links: &[(usize, usize)]) -> Vec<usize> {
    let mut parent: Vec<usize> = (0..n).collect();
    fn find(p: &mut [usize], x: usize) -> usize {
        let mut r = x;
        while p[r] != r {
            r = p[r];
        }
        p[x] = r;
        r
    }
    for &(u, v) in links {
        let (a, b) = (find(&mut parent, u), find(&mut parent, v));
        parent[a.max(b)] = a.min(b);
    }
    let roots: Vec<usize> = (0..n).map(|x| find(&mut parent, x)).collect();
    roots.iter().map(|&r| if r == roots[0] { 0 } else { r.max(1) }).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn generators_give_connected_graphs_of_the_right_shape() {
        assert_eq!(grid(3, 4).len(), 3 * 3 + 2 * 4);
        let mut rng = Rng::new(1);
        for _ in 0..20 {
            let g = nws(14, 3, 0.15, &mut rng);
            assert!(g.len() >= 14 && g.iter().all(|&(u, v)| u < v && v < 14));
            assert!(_components(14, &g).iter().all(|&c| c == 0));
            let w = waxman(20, 0.4, 0.1, &mut rng);
            assert!(_components(20, &w).iter().all(|&c| c == 0));
        }
        assert_eq!(_normalise(NSFNET.to_vec()).len(), 21);
    }
}
