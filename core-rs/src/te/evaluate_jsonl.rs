//! Scoring a JSON Lines file of one method's solutions against the instances they route: one record
//! per instance in their order (record `i` ↔ instance `i`, its `id`, if any, that of instance `i`),
//! else records matched by their `id` (a subset of the instances, in any order, each at most once);
//! one evaluation record per solution.

use std::collections::HashMap;

use serde_json::{json, Value};

use crate::error::{Error, Result};
use crate::te::evaluate::evaluate;
use crate::te::instance::Instance;
use crate::te::solution::routing_of;

/// A record's `id`, `None` when absent or null.
fn id_of(v: &Value) -> Option<&Value> {
    v.get("id").filter(|id| !id.is_null())
}

/// Scores JSONL `text` (line numbers from `first_line`, blank lines skipped) against `instances`;
/// returns JSONL evaluations `{id, instance, line, method, mlu, complete, problems, verified,
/// edge_loads?, time_ms}` (`instance`: the 0-based index of the instance routed; `line`: the
/// solution's line), in the order of the records. Records that are one per instance, in order (each
/// `id` absent or that of its instance), route instance `i` in turn, whatever the ids (two instances
/// may share one); otherwise every record must carry an `id`, matched to the one instance that has
/// it. An LP record that carries only its optimal value
/// is passed through with `verified: false`. Errors name the line and the field: a record that is
/// not a solution, an `id` that no instance (or more than one) has, a second solution for an
/// instance, a missing `id` among records that have ids, or a record count other than the instance
/// count without ids.
pub fn evaluate_jsonl(instances: &[Instance], text: &str, first_line: usize, edge_loads: bool) -> Result<String> {
    let mut records = Vec::new();
    for (j, raw) in text.lines().enumerate() {
        if raw.trim().is_empty() {
            continue;
        }
        let line = first_line + j;
        let v: Value = serde_json::from_str(raw).map_err(|e| Error::input(line, "solution", format!("is not valid JSON: {e}")))?;
        records.push((line, v));
    }
    let in_order = records.len() == instances.len()
        && records.iter().zip(instances).all(|((_, v), inst)| id_of(v).is_none_or(|id| inst.id.as_ref() == Some(id)));
    let by_id = !in_order && records.iter().any(|(_, v)| id_of(v).is_some());
    let mut ids: HashMap<String, Vec<usize>> = HashMap::new();
    if by_id {
        for (k, inst) in instances.iter().enumerate() {
            if let Some(id) = inst.id.as_ref().filter(|id| !id.is_null()) {
                ids.entry(id.to_string()).or_default().push(k);
            }
        }
    } else if records.len() != instances.len() {
        let line = records.get(instances.len()).map_or(0, |(line, _)| *line);
        return Err(Error::input(
            line,
            "solutions",
            format!(
                "without ids are matched to instances by order, and there are {} for {} instances (give each solution the id of its instance to solve a subset)",
                records.len(),
                instances.len()
            ),
        ));
    }
    let mut solved: HashMap<usize, usize> = HashMap::new();
    let mut out = String::new();
    for (pos, (line, v)) in records.iter().enumerate() {
        let line = *line;
        let k = if by_id {
            let id = id_of(v).ok_or_else(|| {
                Error::input(
                    line,
                    "id",
                    "is missing: the other solutions of this method carry ids, and solutions are matched to instances by id",
                )
            })?;
            match ids.get(&id.to_string()).map(Vec::as_slice) {
                None | Some([]) => return Err(Error::input(line, "id", format!("is {id}, which no instance has"))),
                Some([k]) => *k,
                Some([a, b, ..]) => {
                    return Err(Error::input(
                        line,
                        "id",
                        format!("is {id}, which instances {a} and {b} share: solutions are matched by id, so instance ids must be unique"),
                    ))
                }
            }
        } else {
            pos
        };
        if let Some(first) = solved.insert(k, line) {
            let method = v.get("method").map_or_else(|| "this method".to_string(), |m| format!("method {m}"));
            return Err(Error::input(
                line,
                "id",
                format!(
                    "is {}: a second solution of {method} for that instance (the first is on line {first})",
                    id_of(v).unwrap_or(&Value::Null)
                ),
            ));
        }
        let inst = &instances[k];
        let mut r = match routing_of(v, inst, line)? {
            Some(routing) => {
                let ev = evaluate(inst, &inst.graph(), &routing);
                let mut r = json!({"id": inst.id, "instance": k, "line": line, "method": v.get("method"), "mlu": ev.mlu, "complete": ev.complete, "problems": ev.problems, "verified": true});
                if edge_loads {
                    r["edge_loads"] = json!(ev.edge_loads);
                }
                r
            }
            None => {
                json!({"id": inst.id, "instance": k, "line": line, "method": "lp", "mlu": v["mlu"], "complete": true, "problems": [], "verified": false})
            }
        };
        r["time_ms"] = v.get("time_ms").cloned().unwrap_or(Value::Null);
        out.push_str(&r.to_string());
        out.push('\n');
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

    /// TRAP with id `id`.
    fn with_id(id: &str) -> Instance {
        instance(&TRAP.replace("\"id\":7", &format!("\"id\":{id}"))).0
    }

    #[test]
    fn scores_each_record_against_its_instance_skipping_blank_lines() {
        let (i, _) = instance(TRAP);
        let sols = "\n{\"method\":\"greedy\",\"paths\":[[0,2],[0,1,2]],\"time_ms\":3}\n\n{\"method\":\"lp\",\"mlu\":0.8}\n";
        let out = records(&evaluate_jsonl(&[i.clone(), i], sols, 1, true).unwrap());
        assert_eq!(out.len(), 2);
        assert_eq!((out[0]["method"].as_str(), out[0]["verified"].as_bool()), (Some("greedy"), Some(true)));
        assert_eq!((out[0]["mlu"].as_f64(), out[0]["time_ms"].as_f64()), (Some(1.0), Some(3.0)));
        assert_eq!((out[0]["instance"].as_u64(), out[0]["line"].as_u64()), (Some(0), Some(2)));
        assert_eq!(out[0]["edge_loads"], json!([5.0, 6.0, 6.0]));
        assert_eq!(
            out[1],
            json!({"id": 7, "instance": 1, "line": 4, "method": "lp", "mlu": 0.8, "complete": true, "problems": [], "verified": false, "time_ms": null})
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
    fn records_with_ids_match_their_instance_whatever_their_order_and_may_solve_a_subset() {
        let three = [with_id("\"a\""), with_id("\"b\""), with_id("\"c\"")];
        let sols = "{\"id\":\"c\",\"paths\":[[0,2],[0,2]]}\n{\"id\":\"a\",\"paths\":[[0,2],[0,1,2]]}";
        let out = records(&evaluate_jsonl(&three, sols, 1, false).unwrap());
        let got: Vec<_> = out.iter().map(|r| (r["id"].clone(), r["instance"].as_u64(), r["mlu"].as_f64())).collect();
        assert_eq!(got, vec![(json!("c"), Some(2), Some(1.1)), (json!("a"), Some(0), Some(1.0))]);
    }

    #[test]
    fn records_in_instance_order_are_matched_by_order_even_when_instances_share_an_id() {
        // two imports of one topology concatenated: ids repeat, and solve keeps the order
        let twins = [with_id("\"a\""), with_id("\"b\""), with_id("\"a\"")];
        let sols = ["\"a\"", "\"b\"", "\"a\""].map(|id| format!("{{\"id\":{id},\"paths\":[[0,2],[0,1,2]]}}")).join("\n");
        let out = records(&evaluate_jsonl(&twins, &sols, 1, false).unwrap());
        assert_eq!(out.iter().map(|r| r["instance"].as_u64()).collect::<Vec<_>>(), [Some(0), Some(1), Some(2)]);
        let e = evaluate_jsonl(&twins, &format!("{{\"id\":\"b\",\"paths\":[[0,2],[0,2]]}}\n{sols}"), 1, false).unwrap_err().to_string();
        assert!(e.starts_with("line 2: id is \"a\", which instances 0 and 2 share"), "{e}");
    }

    #[test]
    fn errors_name_the_line_and_the_field() {
        let (i, _) = instance(TRAP);
        let two = [i.clone(), i.clone()];
        let e = evaluate_jsonl(std::slice::from_ref(&i), "\n{\"id\":8,\"paths\":[[0,2],[0,2]]}", 5, false).unwrap_err().to_string();
        assert_eq!(e, "line 6: id is 8, which no instance has");
        let e = evaluate_jsonl(std::slice::from_ref(&i), "{\"paths\":[[0,2],[0,2]]}\n{\"paths\":[]}", 1, false).unwrap_err().to_string();
        assert_eq!(
            e,
            "line 2: solutions without ids are matched to instances by order, and there are 2 for 1 instances (give each solution the id of its instance to solve a subset)"
        );
        let e = evaluate_jsonl(&two, "{\"paths\":[[0,2],[0,2]]}", 1, false).unwrap_err().to_string();
        assert!(e.starts_with("solutions without ids are matched to instances by order, and there are 1 for 2 instances"), "{e}");
        let e = evaluate_jsonl(&[i], "{nope", 3, false).unwrap_err().to_string();
        assert!(e.starts_with("line 3: solution is not valid JSON"), "{e}");
    }

    #[test]
    fn ids_must_be_on_every_record_unique_per_method_and_name_one_instance() {
        let ab = [with_id("\"a\""), with_id("\"b\"")];
        let p = "\"paths\":[[0,2],[0,2]]";
        let e = evaluate_jsonl(&ab, &format!("{{\"id\":\"b\",{p}}}\n{{{p}}}"), 1, false).unwrap_err().to_string();
        assert_eq!(e, "line 2: id is missing: the other solutions of this method carry ids, and solutions are matched to instances by id");
        let dup = format!("{{\"id\":\"b\",\"method\":\"sp\",{p}}}\n\n{{\"id\":\"b\",\"method\":\"sp\",{p}}}");
        let e = evaluate_jsonl(&ab, &dup, 1, false).unwrap_err().to_string();
        assert_eq!(e, "line 3: id is \"b\": a second solution of method \"sp\" for that instance (the first is on line 1)");
        let twins = [with_id("\"a\""), with_id("\"b\""), with_id("\"a\"")];
        let e = evaluate_jsonl(&twins, &format!("{{\"id\":\"a\",{p}}}"), 1, false).unwrap_err().to_string();
        assert_eq!(e, "line 1: id is \"a\", which instances 0 and 2 share: solutions are matched by id, so instance ids must be unique");
        assert!(evaluate_jsonl(&twins, &format!("{{\"id\":\"b\",{p}}}"), 1, false).is_ok(), "only an id that is used must be unique");
    }
}
