//! Reading routing solutions (the solution objects of docs/design.md) back for evaluation.

use serde_json::Value;

use crate::error::{Error, Result};
use crate::te::evaluate::Routing;
use crate::te::instance::Instance;

/// Reads the routing of a solution object for `inst`; `line` is used in errors. An LP record
/// without flows carries only its optimal value: `Ok(None)`, to be used as a reference bound.
pub fn routing_of(v: &Value, inst: &Instance, line: usize) -> Result<Option<Routing>> {
    let err = |field: String, msg: String| Error::input(line, field, msg);
    let obj = v.as_object().ok_or_else(|| err("solution".into(), "must be a JSON object".into()))?;
    let node = |x: &Value, field: String| -> Result<usize> {
        x.as_u64().map(|i| i as usize).ok_or_else(|| err(field, format!("must be a node index, got {x}")))
    };
    if let Some(paths) = obj.get("paths") {
        let arr = paths.as_array().ok_or_else(|| err("paths".into(), "must be an array".into()))?;
        let mut out = Vec::with_capacity(arr.len());
        for (k, p) in arr.iter().enumerate() {
            out.push(match p {
                Value::Null => None,
                Value::Array(nodes) => {
                    Some(nodes.iter().enumerate().map(|(j, x)| node(x, format!("paths[{k}][{j}]"))).collect::<Result<Vec<_>>>()?)
                }
                _ => return Err(err(format!("paths[{k}]"), format!("must be an array of node indices or null, got {p}"))),
            });
        }
        return Ok(Some(Routing::Paths(out)));
    }
    if let Some(flows) = obj.get("flows") {
        let arr = flows.as_array().ok_or_else(|| err("flows".into(), "must be an array".into()))?;
        let mut out = Vec::with_capacity(arr.len());
        for (k, f) in arr.iter().enumerate() {
            let items = f.as_array().ok_or_else(|| err(format!("flows[{k}]"), "must be an array".into()))?;
            let mut fk = Vec::with_capacity(items.len());
            for (j, it) in items.iter().enumerate() {
                let e = it.get("edge").and_then(Value::as_u64).filter(|&e| (e as usize) < inst.edges.len());
                let x = it.get("flow").and_then(Value::as_f64).filter(|x| x.is_finite() && *x >= 0.0);
                match (e, x) {
                    (Some(e), Some(x)) => fk.push((e as usize, x)),
                    (None, _) => {
                        return Err(err(format!("flows[{k}][{j}].edge"), format!("must be an edge index below {}", inst.edges.len())))
                    }
                    (_, None) => return Err(err(format!("flows[{k}][{j}].flow"), "must be a non-negative number".into())),
                }
            }
            out.push(fk);
        }
        return Ok(Some(Routing::Flows(out)));
    }
    if obj.get("method").and_then(Value::as_str) == Some("lp") && obj.get("mlu").and_then(Value::as_f64).is_some_and(f64::is_finite) {
        return Ok(None);
    }
    Err(err("paths".into(), "is missing (a solution needs paths or flows)".into()))
}
