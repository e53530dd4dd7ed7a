//! Instance generation: a topology (built in or given), capacities, and a traffic model.
//!
//! Defaults reproduce the seed project's distribution: NSFNET, integer capacities uniform in
//! [1000, 10000) equal in both directions of a link, `commodities` distinct (src, dst) pairs with
//! integer demands uniform in [5, 500], sorted by decreasing demand. Instance `i` draws from its
//! own stream derived from (seed, i), so the same seed gives byte-identical output and a larger
//! `count` extends a dataset without changing its first instances.

use serde::Deserialize;
use serde_json::Value;

use crate::config_json::{count_problem, Check, MAX_ITEMS};
use crate::error::{Error, Result};
use crate::rng::Rng;
use crate::te::evaluate::{evaluate, Routing};
use crate::te::instance::{Commodity, Edge, Instance, MAX_NODES};
use crate::te::shortest_path::shortest_paths;
use crate::te::topology;

/// Which topology to build.
#[derive(Clone, Debug, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub enum TopologyKind {
    /// The seed's 14-node NSFNET.
    Nsfnet,
    /// Newman–Watts–Strogatz, drawn per instance.
    Nws,
    /// A grid of `nodes` nodes (rows = largest divisor ≤ √nodes).
    Grid,
    /// Waxman, drawn per instance.
    Waxman,
    /// The edges in `GenOptions::graph`.
    Given,
}

/// How demands are drawn.
#[derive(Clone, Copy, Debug, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub enum Traffic {
    /// Distinct random pairs with uniform integer demands.
    Pairs,
    /// Gravity model: demand ∝ w_s·w_t with w the node's outgoing capacity times U(0.5, 1.5),
    /// scaled so that shortest-path routing has MLU = `load`.
    Gravity,
}

/// A given topology: nodes (count or names) and directed edges (capacity `None` = draw one).
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct GivenGraph {
    /// Node count or names.
    pub nodes: Value,
    /// `(src, dst, capacity)` triples.
    pub edges: Vec<(usize, usize, Option<f64>)>,
}

/// Generator options (JSON from the CLI; unknown keys are rejected).
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct GenOptions {
    /// Topology kind.
    pub topology: TopologyKind,
    /// Topology name used in ids (defaults to the kind).
    pub name: Option<String>,
    /// Node count for generated topologies.
    pub nodes: usize,
    /// Commodities per instance (0 with gravity = every reachable pair).
    pub commodities: usize,
    /// Instances to generate.
    pub count: usize,
    /// Seed.
    pub seed: u64,
    /// Capacity range [lo, hi), integers.
    pub capacity: (f64, f64),
    /// Demand range [lo, hi], integers (pairs traffic).
    pub demand: (f64, f64),
    /// Traffic model.
    pub traffic: Traffic,
    /// Gravity: shortest-path MLU after scaling.
    pub load: f64,
    /// NWS: ring neighbours k and shortcut probability p.
    pub nws_k: usize,
    /// NWS shortcut probability.
    pub nws_p: f64,
    /// The topology when `topology` is `given`.
    pub graph: Option<GivenGraph>,
}

impl Default for GenOptions {
    fn default() -> Self {
        GenOptions {
            topology: TopologyKind::Nsfnet,
            name: None,
            nodes: 14,
            commodities: 5,
            count: 10,
            seed: 0,
            capacity: (1000.0, 10000.0),
            demand: (5.0, 500.0),
            traffic: Traffic::Pairs,
            load: 1.0,
            nws_k: 3,
            nws_p: 0.15,
            graph: None,
        }
    }
}

fn _int_range(lo: f64, hi: f64, what: &str, half_open: bool) -> Result<(i64, i64)> {
    let ok = lo.fract() == 0.0 && hi.fract() == 0.0 && lo > 0.0 && (if half_open { hi > lo } else { hi >= lo });
    if !ok || hi > 1e15 {
        return Err(Error::Usage(format!(
            "{what} range must be positive integers lo:hi with hi {} lo, got {lo}:{hi}",
            if half_open { ">" } else { "≥" }
        )));
    }
    Ok((lo as i64, if half_open { hi as i64 - 1 } else { hi as i64 }))
}

impl GenOptions {
    fn _label(&self) -> String {
        self.name.clone().unwrap_or_else(|| format!("{:?}", self.topology).to_lowercase())
    }

    /// Checks the options before generating.
    pub fn validate(&self) -> Result<()> {
        if let Some(p) = count_problem(&[
            ("count", self.count, Check::IntIn(1, MAX_ITEMS)),
            ("nodes", self.nodes, Check::IntIn(0, MAX_NODES as u64)),
            ("commodities", self.commodities, Check::IntIn(0, MAX_ITEMS)),
        ]) {
            return Err(Error::Usage(p));
        }
        _int_range(self.capacity.0, self.capacity.1, "capacity", true)?;
        if self.traffic == Traffic::Pairs {
            _int_range(self.demand.0, self.demand.1, "demand", false)?;
            if self.commodities == 0 {
                return Err(Error::Usage("commodities must be ≥ 1 with pairs traffic".into()));
            }
        }
        if self.topology != TopologyKind::Given && self.topology != TopologyKind::Nsfnet && self.nodes < 3 {
            return Err(Error::Usage(format!("nodes must be ≥ 3, got {}", self.nodes)));
        }
        if self.topology == TopologyKind::Given && self.graph.is_none() {
            return Err(Error::Usage("topology 'given' needs a graph".into()));
        }
        if !(self.load > 0.0 && self.load.is_finite()) {
            return Err(Error::Usage(format!("load must be positive, got {}", self.load)));
        }
        Ok(())
    }

    /// Generates instance `i`.
    pub fn instance(&self, i: usize) -> Result<Instance> {
        let mut rng = Rng::new(Rng::new(self.seed).next_u64() ^ (i as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15));
        let (cap_lo, cap_hi) = _int_range(self.capacity.0, self.capacity.1, "capacity", true)?;
        let cap = |rng: &mut Rng| rng.int_inclusive(cap_lo, cap_hi) as f64;
        let mut edges = Vec::new();
        let undirected = |links: Vec<(usize, usize)>, rng: &mut Rng, edges: &mut Vec<Edge>| {
            for (u, v) in links {
                let c = cap(rng);
                edges.push(Edge { src: u, dst: v, capacity: c });
                edges.push(Edge { src: v, dst: u, capacity: c });
            }
        };
        let (num_nodes, node_names) = match self.topology {
            TopologyKind::Nsfnet => {
                undirected(topology::NSFNET.to_vec(), &mut rng, &mut edges);
                (14, None)
            }
            TopologyKind::Nws => {
                let links = topology::nws(self.nodes, self.nws_k, self.nws_p, &mut rng);
                undirected(links, &mut rng, &mut edges);
                (self.nodes, None)
            }
            TopologyKind::Grid => {
                let rows = (1..=self.nodes).filter(|r| r * r <= self.nodes && self.nodes.is_multiple_of(*r)).max().unwrap_or(1);
                undirected(topology::grid(rows, self.nodes / rows), &mut rng, &mut edges);
                (self.nodes, None)
            }
            TopologyKind::Waxman => {
                let links = topology::waxman(self.nodes, 0.4, 0.1, &mut rng);
                undirected(links, &mut rng, &mut edges);
                (self.nodes, None)
            }
            TopologyKind::Given => {
                let g = self.graph.as_ref().expect("validated");
                // a link's two directions get the same drawn capacity
                let mut drawn: std::collections::HashMap<(usize, usize), f64> = Default::default();
                for &(u, v, c) in &g.edges {
                    let capacity = match c {
                        Some(c) => c,
                        None => *drawn.entry((u.min(v), u.max(v))).or_insert_with(|| cap(&mut rng)),
                    };
                    edges.push(Edge { src: u, dst: v, capacity });
                }
                match &g.nodes {
                    Value::Array(a) => {
                        (a.len(), Some(a.iter().map(|x| x.as_str().map(String::from).unwrap_or_else(|| x.to_string())).collect()))
                    }
                    x => (x.as_u64().ok_or_else(|| Error::Usage("graph.nodes must be a count or names".into()))? as usize, None),
                }
            }
        };
        let mut inst = Instance {
            id: Some(Value::from(format!("{}-{}-{}", self._label(), self.seed, i))),
            num_nodes,
            node_names,
            edges,
            commodities: Vec::new(),
            extra: Default::default(),
        };
        let graph = inst.graph();
        let mut pairs: Vec<(usize, usize)> = (0..num_nodes)
            .flat_map(|s| {
                let r = graph.reachable_from(s);
                (0..num_nodes).filter(move |&t| t != s && r[t]).map(move |t| (s, t))
            })
            .collect();
        let k = if self.commodities == 0 { pairs.len() } else { self.commodities };
        if k > pairs.len() {
            return Err(Error::Usage(format!("{k} commodities asked but the topology has only {} connected pairs", pairs.len())));
        }
        for j in 0..k {
            let r = j + rng.below((pairs.len() - j) as u64) as usize;
            pairs.swap(j, r);
        }
        pairs.truncate(k);
        match self.traffic {
            Traffic::Pairs => {
                let (lo, hi) = _int_range(self.demand.0, self.demand.1, "demand", false)?;
                inst.commodities =
                    pairs.into_iter().map(|(s, t)| Commodity { src: s, dst: t, demand: rng.int_inclusive(lo, hi) as f64 }).collect();
            }
            Traffic::Gravity => {
                let w: Vec<f64> = (0..num_nodes)
                    .map(|v| graph.out[v].iter().map(|&l| graph.links[l].capacity).sum::<f64>() * (0.5 + rng.unit()))
                    .collect();
                inst.commodities = pairs.into_iter().map(|(s, t)| Commodity { src: s, dst: t, demand: w[s] * w[t] }).collect();
                let sp = shortest_paths(&inst, &graph).into_iter().map(Some).collect();
                let mlu = evaluate(&inst, &graph, &Routing::Paths(sp)).mlu;
                for c in &mut inst.commodities {
                    c.demand = _round_sig(c.demand * self.load / mlu, 6);
                }
            }
        }
        inst.commodities.sort_by(|a, b| b.demand.total_cmp(&a.demand));
        Ok(inst)
    }

    /// Generates all `count` instances as JSON Lines.
    pub fn generate_jsonl(&self) -> Result<String> {
        self.validate()?;
        let mut out = String::new();
        for i in 0..self.count {
            out.push_str(&self.instance(i)?.to_value().to_string());
            out.push('\n');
        }
        Ok(out)
    }
}

fn _round_sig(x: f64, digits: i32) -> f64 {
    if x == 0.0 {
        return 0.0;
    }
    let p = 10f64.powi(digits - 1 - x.abs().log10().floor() as i32);
    (x * p).round() / p
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_follow_the_seed_distribution() {
        let o = GenOptions { count: 50, seed: 3, ..Default::default() };
        let text = o.generate_jsonl().unwrap();
        assert_eq!(text, o.generate_jsonl().unwrap(), "same seed, same bytes");
        let other = GenOptions { seed: 4, ..o.clone() }.generate_jsonl().unwrap();
        assert_ne!(text, other);
        let insts = Instance::parse_jsonl(&text, 1).unwrap();
        assert_eq!(insts.len(), 50);
        for inst in &insts {
            assert_eq!(inst.num_nodes, 14);
            assert_eq!(inst.edges.len(), 42);
            for pair in inst.edges.chunks(2) {
                assert_eq!(pair[0].capacity, pair[1].capacity);
                assert!(pair[0].capacity >= 1000.0 && pair[0].capacity < 10000.0 && pair[0].capacity.fract() == 0.0);
            }
            assert_eq!(inst.commodities.len(), 5);
            let mut seen: Vec<_> = inst.commodities.iter().map(|c| (c.src, c.dst)).collect();
            seen.sort();
            seen.dedup();
            assert_eq!(seen.len(), 5, "distinct pairs");
            assert!(inst.commodities.windows(2).all(|w| w[0].demand >= w[1].demand));
            assert!(inst.commodities.iter().all(|c| (5.0..=500.0).contains(&c.demand) && c.demand.fract() == 0.0));
        }
        // a longer run keeps the first instances
        let longer = GenOptions { count: 60, ..o }.generate_jsonl().unwrap();
        assert!(longer.starts_with(&text));
    }

    #[test]
    fn gravity_hits_the_target_load() {
        let o = GenOptions {
            topology: TopologyKind::Nws,
            nodes: 30,
            commodities: 0,
            traffic: Traffic::Gravity,
            load: 0.8,
            count: 3,
            ..Default::default()
        };
        for inst in Instance::parse_jsonl(&o.generate_jsonl().unwrap(), 1).unwrap() {
            assert_eq!(inst.commodities.len(), 30 * 29);
            let g = inst.graph();
            let sp = shortest_paths(&inst, &g).into_iter().map(Some).collect();
            let mlu = evaluate(&inst, &g, &Routing::Paths(sp)).mlu;
            assert!((mlu - 0.8).abs() < 1e-4, "{mlu}");
        }
    }

    #[test]
    fn counts_beyond_their_maximum_are_usage_errors_naming_them() {
        let cases = [
            (GenOptions { count: 1_000_000_000_000, ..Default::default() }, "count must be an integer in [1, 1000000], got 1000000000000"),
            (
                GenOptions { topology: TopologyKind::Nws, nodes: 2_000_000, ..Default::default() },
                "nodes must be an integer in [0, 1000000], got 2000000",
            ),
            (GenOptions { commodities: 2_000_000, ..Default::default() }, "commodities must be an integer in [0, 1000000], got 2000000"),
        ];
        for (o, want) in cases {
            assert_eq!(o.generate_jsonl().unwrap_err().to_string(), want);
        }
    }
}
