//! TE instances: the JSON contract of docs/design.md, parsed and validated with errors that name the
//! line and the field.

use serde_json::{Map, Value};

use crate::error::{Error, Result};
pub use crate::te::edge::Edge;
use crate::te::graph::Graph;

/// A demand from `src` to `dst` that must be routed on one path.
#[derive(Clone, Debug, PartialEq)]
pub struct Commodity {
    /// Source node index.
    pub src: usize,
    /// Destination node index.
    pub dst: usize,
    /// Demand volume, positive and finite.
    pub demand: f64,
}

/// One traffic-engineering instance.
#[derive(Clone, Debug, PartialEq)]
pub struct Instance {
    /// The optional `id`, passed through verbatim.
    pub id: Option<Value>,
    /// Number of nodes.
    pub num_nodes: usize,
    /// Node names when `nodes` was given as an array of names.
    pub node_names: Option<Vec<String>>,
    /// Directed edges.
    pub edges: Vec<Edge>,
    /// Commodities, in routing order.
    pub commodities: Vec<Commodity>,
    /// Keys of the input object other than the contract's, kept in order.
    pub extra: Map<String, Value>,
}

/// The largest node count accepted (keeps a corrupt `nodes` from exhausting memory).
pub const MAX_NODES: usize = 1_000_000;

/// The largest capacity or demand accepted, 10¹⁵ (a petabit per second in bit/s): integer volumes
/// are exact below it, and sums of demands stay far from `f64::MAX`.
pub const MAX_VOLUME: f64 = 1e15;

/// How far capacities and demands may spread around the largest capacity `C` of an instance: every
/// capacity is ≥ `C / MAX_SPREAD` and every demand ≤ `C · MAX_SPREAD`. The solvers divide both by
/// `C`, and HiGHS drops matrix coefficients below 10⁻⁹ (a smaller capacity would vanish from the
/// LP and MILP), rejects those above 10¹⁵ and, with its tolerances of 10⁻⁷, finds instances whose
/// utilisations reach 10¹⁸ infeasible; within the spread, utilisations stay below 10¹² and the
/// solvers agree with the evaluator. A demand a million times a link's capacity is far beyond any
/// real instance.
pub const MAX_SPREAD: f64 = 1e6;

const KNOWN_KEYS: [&str; 4] = ["id", "nodes", "edges", "commodities"];

fn describe(v: &Value) -> String {
    let s = v.to_string();
    if s.chars().count() > 40 {
        format!("{}…", s.chars().take(40).collect::<String>())
    } else {
        s
    }
}

struct Ctx {
    line: usize,
}

impl Ctx {
    fn err(&self, field: impl Into<String>, message: impl Into<String>) -> Error {
        Error::input(self.line, field, message)
    }

    /// A capacity or demand: a positive number ≤ [`MAX_VOLUME`].
    fn volume(&self, v: Option<&Value>, field: &str) -> Result<f64> {
        match v {
            None => Err(self.err(field, "is missing")),
            Some(x) => match x.as_f64() {
                Some(f) if f > MAX_VOLUME => Err(self.err(field, format!("must be at most {MAX_VOLUME:e}, got {}", describe(x)))),
                Some(f) if f.is_finite() && f > 0.0 => Ok(f),
                _ => Err(self.err(field, format!("must be a positive number, got {}", describe(x)))),
            },
        }
    }

    fn node(&self, v: Option<&Value>, field: &str, n: usize, names: Option<&[String]>) -> Result<usize> {
        let x = v.ok_or_else(|| self.err(field, "is missing"))?;
        if let Some(i) = x.as_u64() {
            if (i as usize) < n {
                return Ok(i as usize);
            }
            return Err(self.err(field, format!("is out of range: node {i} but the instance has {n} nodes")));
        }
        if let (Some(s), Some(names)) = (x.as_str(), names) {
            if let Some(i) = names.iter().position(|nm| nm == s) {
                return Ok(i);
            }
            return Err(self.err(field, format!("names an unknown node {}", describe(x))));
        }
        Err(self.err(field, format!("must be a node index in [0, {n}), got {}", describe(x))))
    }
}

impl Instance {
    /// The merged-link routing graph of this instance.
    pub fn graph(&self) -> Graph {
        Graph::new(self.num_nodes, &self.edges)
    }

    /// Parses and validates one instance from a JSON object. `line` (1-based) is used in errors.
    pub fn from_value(v: &Value, line: usize) -> Result<Instance> {
        let ctx = Ctx { line };
        let obj = v.as_object().ok_or_else(|| ctx.err("instance", format!("must be a JSON object, got {}", describe(v))))?;
        let (num_nodes, node_names) = match obj.get("nodes") {
            None => return Err(ctx.err("nodes", "is missing")),
            Some(Value::Array(a)) => {
                let mut names = Vec::with_capacity(a.len());
                for (i, x) in a.iter().enumerate() {
                    let name = match x {
                        Value::String(s) => s.clone(),
                        Value::Number(num) => num.to_string(),
                        _ => return Err(ctx.err(format!("nodes[{i}]"), format!("must be a name, got {}", describe(x)))),
                    };
                    if names.contains(&name) {
                        return Err(ctx.err(format!("nodes[{i}]"), format!("repeats the name {name:?}")));
                    }
                    names.push(name);
                }
                (a.len(), Some(names))
            }
            Some(x) => match x.as_u64() {
                Some(n) if n > MAX_NODES as u64 => return Err(ctx.err("nodes", format!("must be at most {MAX_NODES}, got {n}"))),
                Some(n) if n >= 2 => (n as usize, None),
                _ => return Err(ctx.err("nodes", format!("must be an integer ≥ 2 or an array of names, got {}", describe(x)))),
            },
        };
        if num_nodes < 2 {
            return Err(ctx.err("nodes", "must have at least 2 nodes"));
        }
        let names = node_names.as_deref();
        let list = |key: &str| -> Result<&Vec<Value>> {
            match obj.get(key) {
                Some(Value::Array(a)) if !a.is_empty() => Ok(a),
                Some(Value::Array(_)) => Err(ctx.err(key, "must not be empty")),
                Some(x) => Err(ctx.err(key, format!("must be an array, got {}", describe(x)))),
                None => Err(ctx.err(key, "is missing")),
            }
        };
        let mut edges = Vec::new();
        for (i, e) in list("edges")?.iter().enumerate() {
            let f = |k: &str| format!("edges[{i}].{k}");
            let o = e.as_object().ok_or_else(|| ctx.err(format!("edges[{i}]"), format!("must be an object, got {}", describe(e))))?;
            let src = ctx.node(o.get("src"), &f("src"), num_nodes, names)?;
            let dst = ctx.node(o.get("dst"), &f("dst"), num_nodes, names)?;
            if src == dst {
                return Err(ctx.err(f("dst"), "equals src (self loops are not allowed)"));
            }
            let capacity = ctx.volume(o.get("capacity"), &f("capacity"))?;
            edges.push(Edge { src, dst, capacity });
        }
        let largest = edges.iter().map(|e| e.capacity).fold(0.0, f64::max);
        for (i, e) in edges.iter().enumerate() {
            if e.capacity < largest / MAX_SPREAD {
                let what = format!(
                    "must be at least the largest capacity ({largest}) / {MAX_SPREAD:e}, got {}",
                    describe(&list("edges")?[i]["capacity"])
                );
                return Err(ctx.err(format!("edges[{i}].capacity"), what));
            }
        }
        let mut commodities = Vec::new();
        for (i, c) in list("commodities")?.iter().enumerate() {
            let f = |k: &str| format!("commodities[{i}].{k}");
            let o = c.as_object().ok_or_else(|| ctx.err(format!("commodities[{i}]"), format!("must be an object, got {}", describe(c))))?;
            let src = ctx.node(o.get("src"), &f("src"), num_nodes, names)?;
            let dst = ctx.node(o.get("dst"), &f("dst"), num_nodes, names)?;
            if src == dst {
                return Err(ctx.err(f("dst"), format!("equals src ({src})")));
            }
            let demand = ctx.volume(o.get("demand"), &f("demand"))?;
            if demand > largest * MAX_SPREAD {
                let what = format!("must be at most the largest capacity ({largest}) × {MAX_SPREAD:e}, got {}", describe(&o["demand"]));
                return Err(ctx.err(f("demand"), what));
            }
            commodities.push(Commodity { src, dst, demand });
        }
        let id = obj.get("id").cloned();
        let extra = obj.iter().filter(|(k, _)| !KNOWN_KEYS.contains(&k.as_str())).map(|(k, v)| (k.clone(), v.clone())).collect();
        let inst = Instance { id, num_nodes, node_names, edges, commodities, extra };
        let graph = inst.graph();
        let mut reach_from: Option<(usize, Vec<bool>)> = None;
        for (i, c) in inst.commodities.iter().enumerate() {
            if reach_from.as_ref().map(|(s, _)| *s) != Some(c.src) {
                reach_from = Some((c.src, graph.reachable_from(c.src)));
            }
            if !reach_from.as_ref().unwrap().1[c.dst] {
                return Err(ctx.err(format!("commodities[{i}].dst"), format!("cannot be reached from src {} over the edges", c.src)));
            }
        }
        Ok(inst)
    }

    /// Parses JSON Lines. Blank lines are skipped; line numbers count from `first_line`.
    pub fn parse_jsonl(text: &str, first_line: usize) -> Result<Vec<Instance>> {
        Ok(Instance::parse_numbered_jsonl(text, first_line)?.into_iter().map(|(_, inst)| inst).collect())
    }

    /// [`Instance::parse_jsonl`], keeping the line of each instance.
    pub fn parse_numbered_jsonl(text: &str, first_line: usize) -> Result<Vec<(usize, Instance)>> {
        let mut out = Vec::new();
        for (k, raw) in text.lines().enumerate() {
            let line = first_line + k;
            if raw.trim().is_empty() {
                continue;
            }
            let v: Value = serde_json::from_str(raw).map_err(|e| Error::input(line, "instance", format!("is not valid JSON: {e}")))?;
            out.push((line, Instance::from_value(&v, line)?));
        }
        Ok(out)
    }

    /// Serialises to the contract's JSON object (`id`, `nodes`, `edges`, `commodities`, extras).
    pub fn to_value(&self) -> Value {
        let mut m = Map::new();
        if let Some(id) = &self.id {
            m.insert("id".into(), id.clone());
        }
        m.insert(
            "nodes".into(),
            match &self.node_names {
                Some(names) => Value::from(names.clone()),
                None => Value::from(self.num_nodes),
            },
        );
        let num = |x: f64| -> Value {
            if x.fract() == 0.0 && x.abs() < 9e15 {
                Value::from(x as i64)
            } else {
                Value::from(x)
            }
        };
        let edges = self.edges.iter().map(|e| serde_json::json!({"src": e.src, "dst": e.dst, "capacity": num(e.capacity)}));
        m.insert("edges".into(), Value::Array(edges.collect()));
        let comms = self.commodities.iter().map(|c| serde_json::json!({"src": c.src, "dst": c.dst, "demand": num(c.demand)}));
        m.insert("commodities".into(), Value::Array(comms.collect()));
        for (k, v) in &self.extra {
            m.insert(k.clone(), v.clone());
        }
        Value::Object(m)
    }

    /// The largest edge capacity (the normalisation scale of the solvers).
    pub fn max_capacity(&self) -> f64 {
        self.edges.iter().map(|e| e.capacity).fold(0.0, f64::max)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const OK: &str = r#"{"id":"a","nodes":3,"edges":[{"src":0,"dst":1,"capacity":10},{"src":1,"dst":2,"capacity":5}],"commodities":[{"src":0,"dst":2,"demand":4}],"note":"kept"}"#;

    fn err_of(text: &str) -> String {
        Instance::parse_jsonl(text, 1).unwrap_err().to_string()
    }

    #[test]
    fn parses_and_round_trips() {
        let v = Instance::parse_jsonl(OK, 1).unwrap();
        assert_eq!(v.len(), 1);
        assert_eq!(v[0].commodities[0].demand, 4.0);
        assert_eq!(v[0].extra["note"], "kept");
        let again = Instance::from_value(&v[0].to_value(), 1).unwrap();
        assert_eq!(again, v[0]);
    }

    #[test]
    fn errors_name_line_and_field() {
        let bad = OK.replace(r#""demand":4"#, r#""demand":"lots""#);
        assert_eq!(err_of(&format!("{OK}\n{bad}")), r#"line 2: commodities[0].demand must be a positive number, got "lots""#);
        assert!(err_of("{nope").starts_with("line 1: instance is not valid JSON"));
        assert_eq!(
            err_of(&OK.replace(r#""capacity":5"#, r#""capacity":-1"#)),
            "line 1: edges[1].capacity must be a positive number, got -1"
        );
        assert!(err_of(&OK.replace(r#""dst":2,"demand""#, r#""dst":7,"demand""#)).starts_with("line 1: commodities[0].dst is out of range"));
        assert_eq!(err_of(&OK.replace(r#""dst":2,"demand""#, r#""dst":0,"demand""#)), "line 1: commodities[0].dst equals src (0)");
        assert!(err_of(&OK.replace(r#""src":0,"dst":2,"demand""#, r#""src":2,"dst":0,"demand""#))
            .starts_with("line 1: commodities[0].dst cannot be reached"));
        assert_eq!(err_of(&OK.replace(r#""nodes":3,"#, "")), "line 1: nodes is missing");
    }

    #[test]
    fn capacities_and_demands_are_at_most_max_volume() {
        assert_eq!(
            err_of(&OK.replace(r#""capacity":5"#, r#""capacity":1e308"#)),
            "line 1: edges[1].capacity must be at most 1e15, got 1e+308"
        );
        assert_eq!(
            err_of(&OK.replace(r#""demand":4"#, r#""demand":1e300"#)),
            "line 1: commodities[0].demand must be at most 1e15, got 1e+300"
        );
        let at_max = OK
            .replace(r#""capacity":5"#, r#""capacity":1e15"#)
            .replace(r#""capacity":10"#, r#""capacity":1e10"#)
            .replace(r#""demand":4"#, r#""demand":1e15"#);
        assert_eq!(Instance::parse_jsonl(&at_max, 1).unwrap()[0].commodities[0].demand, MAX_VOLUME);
    }

    #[test]
    fn capacities_and_demands_stay_within_max_spread_of_the_largest_capacity() {
        assert_eq!(
            err_of(&OK.replace(r#""capacity":5"#, r#""capacity":1e-300"#)),
            "line 1: edges[1].capacity must be at least the largest capacity (10) / 1e6, got 1e-300"
        );
        assert_eq!(
            err_of(&OK.replace(r#""demand":4"#, r#""demand":20000000000"#)),
            "line 1: commodities[0].demand must be at most the largest capacity (10) × 1e6, got 20000000000"
        );
        let edge = OK.replace(r#""capacity":5"#, r#""capacity":1e-5"#).replace(r#""demand":4"#, r#""demand":1e7"#);
        assert!(Instance::parse_jsonl(&edge, 1).is_ok());
    }

    #[test]
    fn names_resolve_to_indices() {
        let t = r#"{"nodes":["a","b"],"edges":[{"src":"a","dst":"b","capacity":1}],"commodities":[{"src":"a","dst":"b","demand":1}]}"#;
        let v = Instance::parse_jsonl(t, 1).unwrap();
        assert_eq!((v[0].edges[0].src, v[0].edges[0].dst), (0, 1));
        assert!(err_of(&t.replace(r#""dst":"b","demand""#, r#""dst":"z","demand""#)).contains("unknown node"));
    }
}
