//! Scoring a JSON Lines file of solutions against the instances they route: record `i` ↔
//! instance `i`, ids cross-checked, and one evaluation record per solution.

use serde_json::{json, Value};

use crate::error::{Error, Result};
use crate::te::evaluate::evaluate;
use crate::te::instance::Instance;
use crate::te::solution::routing_of;

/// Scores JSONL `text` (line numbers from `first_line`, blank lines skipped), record `i` against
/// `instances[i]`; returns JSONL evaluations `{id, method, mlu, complete, problems, verified,
/// edge_loads?, time_ms}`. An LP record that carries only its optimal value is passed through with
/// `verified: false`. Errors name the line: a record whose `id` differs from its instance's, a
/// record that is not a solution, or a record count other than the instance count.
pub fn evaluate_jsonl(instances: &[Instance], text: &str, first_line: usize, edge_loads: bool) -> Result<String> {
    let mut out = String::new();
    let mut k = 0;
    for (j, raw) in text.lines().enumerate() {
        let line = first_line + j;
        if raw.trim().is_empty() {
            continue;
        }
        let inst = instances
            .get(k)
            .ok_or_else(|| Error::input(line, "solution", format!("has no instance: only {} instances", instances.len())))?;
        k += 1;
        let v: Value = serde_json::from_str(raw).map_err(|e| Error::input(line, "solution", format!("is not valid JSON: {e}")))?;
        if let (Some(a), Some(b)) = (v.get("id"), inst.id.as_ref()) {
            if a != b {
                return Err(Error::input(line, "id", format!("is {a} but instance {k} has id {b}")));
            }
        }
        let mut r = match routing_of(&v, inst, line)? {
            Some(routing) => {
                let ev = evaluate(inst, &inst.graph(), &routing);
                let mut r = json!({"id": inst.id, "method": v.get("method"), "mlu": ev.mlu, "complete": ev.complete, "problems": ev.problems, "verified": true});
                if edge_loads {
                    r["edge_loads"] = json!(ev.edge_loads);
                }
                r
            }
            None => json!({"id": inst.id, "method": "lp", "mlu": v["mlu"], "complete": true, "problems": [], "verified": false}),
        };
        r["time_ms"] = v.get("time_ms").cloned().unwrap_or(Value::Null);
        out.push_str(&r.to_string());
        out.push('\n');
    }
    if k != instances.len() {
        return Err(Error::input(0, "solutions", format!("has {k} records for {} instances", instances.len())));
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::{instance, TRAP};

    fn records(text: &str) -> Vec<Value> {
        text.lines().map(|l| serde_json::from_str(l).unwrap()).collect()
    }

    #[test]
    fn scores_each_record_against_its_instance_skipping_blank_lines() {
        let (i, _) = instance(TRAP);
        let sols = "\n{\"id\":7,\"method\":\"greedy\",\"paths\":[[0,2],[0,1,2]],\"time_ms\":3}\n\n{\"method\":\"lp\",\"mlu\":0.8}\n";
        let out = records(&evaluate_jsonl(&[i.clone(), i], sols, 1, true).unwrap());
        assert_eq!(out.len(), 2);
        assert_eq!((out[0]["method"].as_str(), out[0]["verified"].as_bool()), (Some("greedy"), Some(true)));
        assert_eq!((out[0]["mlu"].as_f64(), out[0]["time_ms"].as_f64()), (Some(1.0), Some(3.0)));
        assert_eq!(out[0]["edge_loads"], json!([5.0, 6.0, 6.0]));
        assert_eq!(
            out[1],
            json!({"id": 7, "method": "lp", "mlu": 0.8, "complete": true, "problems": [], "verified": false, "time_ms": null})
        );
    }

    #[test]
    fn edge_loads_only_on_request_and_incomplete_routings_are_reported() {
        let (i, _) = instance(TRAP);
        let out = records(&evaluate_jsonl(&[i], r#"{"paths":[[0,2],null]}"#, 1, false).unwrap());
        assert!(out[0].get("edge_loads").is_none());
        assert_eq!((out[0]["complete"].as_bool(), out[0]["problems"].as_array().map(Vec::len)), (Some(false), Some(1)));
    }

    #[test]
    fn errors_name_the_line_and_the_field() {
        let (i, _) = instance(TRAP);
        let two = [i.clone(), i.clone()];
        let e = evaluate_jsonl(&two, "\n{\"id\":8,\"paths\":[[0,2],[0,2]]}", 5, false).unwrap_err().to_string();
        assert_eq!(e, "line 6: id is 8 but instance 1 has id 7");
        let e = evaluate_jsonl(std::slice::from_ref(&i), "{\"paths\":[[0,2],[0,2]]}\n{\"paths\":[]}", 1, false).unwrap_err().to_string();
        assert_eq!(e, "line 2: solution has no instance: only 1 instances");
        let e = evaluate_jsonl(&two, "{\"paths\":[[0,2],[0,2]]}", 1, false).unwrap_err().to_string();
        assert_eq!(e, "solutions has 1 records for 2 instances");
        let e = evaluate_jsonl(&[i], "{nope", 3, false).unwrap_err().to_string();
        assert!(e.starts_with("line 3: solution is not valid JSON"), "{e}");
    }
}
