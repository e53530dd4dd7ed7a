//! The TE domain of the C ABI: a handle holds a parsed [`Dataset`].
//!
//! - `_new` `{"kind": "parse", "first_line"}`, data = JSONL instances; payload = the instance count.
//! - `_call` `{"kind": "solve", "start", "end", "options": SolveOptions}`: instances `[start, end)`;
//!   payload = JSONL solutions.
//! - `_call` `{"kind": "evaluate", "first_line", "edge_loads"?}`, data = JSONL solutions of one method
//!   (matched to instances by id, else by order); payload = JSONL evaluations (see [`evaluate_jsonl`]).
//! - `_call` `{"kind": "reference_mlus", "key"}`: payload = `[mlu or null]`, one per instance (see
//!   [`Dataset::reference_mlus`]).
//! - `_call` `{"kind": "shapes"}`: payload = `[{"line", "nodes", "commodities"}]`, one per instance.
//! - `_call` `{"kind": "generate", ...GenOptions}` with a null handle; payload = JSONL instances.

use serde::Deserialize;
use serde_json::{json, Value};

use super::{exports, text, Domain, Slot};
use crate::error::{Error, Result};
use crate::te::dataset::Dataset;
use crate::te::evaluate_jsonl::evaluate_jsonl;
use crate::te::generate::GenOptions;
use crate::te::solve::{solve_batch, SolveOptions};

/// A `keiro_te_new` request.
#[derive(Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case", deny_unknown_fields)]
pub enum TeNew {
    /// Parse and validate JSONL instances (the data); line numbers count from `first_line`.
    Parse {
        /// The line number of the data's first line.
        first_line: usize,
    },
}

/// A `keiro_te_call` request.
#[derive(Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case", deny_unknown_fields)]
pub enum TeCall {
    /// Solve instances `[start, end)`.
    Solve {
        /// First instance.
        start: usize,
        /// One past the last instance.
        end: usize,
        /// The solver and its options.
        options: SolveOptions,
    },
    /// Score JSONL solutions (the data).
    Evaluate {
        /// The line number of the data's first line.
        first_line: usize,
        /// Add the load of every edge.
        #[serde(default)]
        edge_loads: bool,
    },
    /// The reference MLU every instance carries under an extra key.
    ReferenceMlus {
        /// The instance key (`opt_mlu`, `milp`, …).
        key: String,
    },
    /// The line, node count and commodity count of every instance.
    Shapes,
    /// Generate instances (stateless).
    Generate(GenOptions),
}

impl Domain for Dataset {
    const NAME: &'static str = "dataset";
    type New = TeNew;
    type Call = TeCall;

    fn create(TeNew::Parse { first_line }: TeNew, data: &[u8]) -> Result<(Dataset, Vec<u8>)> {
        let ds = Dataset::parse(text(data)?, first_line)?;
        let count = ds.instances.len().to_string().into_bytes();
        Ok((ds, count))
    }

    fn call(this: Slot<'_, Dataset>, _with: Slot<'_, Dataset>, req: TeCall, data: &[u8]) -> Result<Vec<u8>> {
        Ok(match req {
            TeCall::Solve { start, end, options } => {
                let ds = this.read()?;
                let range = ds.instances.get(start..end).ok_or_else(|| Error::Usage("range out of bounds".into()))?;
                solve_batch(range, &options)?.iter().map(|s| format!("{s}\n")).collect::<String>().into_bytes()
            }
            TeCall::Evaluate { first_line, edge_loads } => {
                evaluate_jsonl(&this.read()?.instances, text(data)?, first_line, edge_loads)?.into_bytes()
            }
            TeCall::ReferenceMlus { key } => Value::from(this.read()?.reference_mlus(&key)?).to_string().into_bytes(),
            TeCall::Shapes => {
                let ds = this.read()?;
                let shapes: Vec<Value> = ds
                    .instances
                    .iter()
                    .zip(&ds.lines)
                    .map(|(i, line)| json!({"line": line, "nodes": i.num_nodes, "commodities": i.commodities.len()}))
                    .collect();
                Value::from(shapes).to_string().into_bytes()
            }
            TeCall::Generate(options) => options.generate_jsonl()?.into_bytes(),
        })
    }
}

exports!(Dataset, keiro_te_new, keiro_te_call, keiro_te_free);

#[cfg(test)]
mod tests {
    use super::super::tests::read;
    use super::*;
    use crate::testing::TRAP;

    fn call(h: *const std::sync::RwLock<Dataset>, req: &str, data: &str) -> (u32, String) {
        // SAFETY: `h` is null or live; the slices outlive the call.
        let (status, _, text) = read(unsafe { keiro_te_call(h, std::ptr::null(), req.as_ptr(), req.len(), data.as_ptr(), data.len()) });
        (status, text)
    }

    #[test]
    fn parse_solve_evaluate_and_shapes_through_the_c_abi() {
        let data = format!("\n{TRAP}\n{}\n", TRAP.replace("\"id\":7", "\"id\":8"));
        let req = r#"{"kind":"parse","first_line":1}"#;
        // SAFETY: the slices outlive the call.
        let (status, handle, count) = read(unsafe { keiro_te_new(req.as_ptr(), req.len(), data.as_ptr(), data.len()) });
        assert_eq!((status, count.as_str()), (0, "2"));
        let h = handle as *mut std::sync::RwLock<Dataset>;
        let (status, sols) = call(h, r#"{"kind":"solve","start":0,"end":2,"options":{"method":"greedy"}}"#, "");
        assert_eq!((status, sols.lines().count()), (0, 2), "{sols}");
        let (status, evals) = call(h, r#"{"kind":"evaluate","first_line":1}"#, &sols);
        assert_eq!(status, 0, "{evals}");
        assert!(evals.lines().all(|l| l.contains(r#""mlu":1.0"#) && l.contains(r#""verified":true"#)), "{evals}");
        let (status, mlus) = call(h, r#"{"kind":"reference_mlus","key":"opt_mlu"}"#, "");
        assert_eq!((status, mlus.as_str()), (0, "[null,null]"));
        let (status, shapes) = call(h, r#"{"kind":"shapes"}"#, "");
        assert_eq!((status, shapes.as_str()), (0, r#"[{"line":2,"nodes":3,"commodities":2},{"line":3,"nodes":3,"commodities":2}]"#));
        let (status, text) = call(h, r#"{"kind":"solve","start":1,"end":3,"options":{"method":"sp"}}"#, "");
        assert_eq!((status, text.contains("range out of bounds")), (2, true), "{text}");
        // SAFETY: `h` was returned by `keiro_te_new` and is freed once.
        unsafe { keiro_te_free(h) };
    }

    #[test]
    fn bad_requests_and_closed_handles_are_usage_errors() {
        let (status, text) = call(std::ptr::null(), r#"{"kind":"solve","start":0,"end":0,"options":{"method":"sp","nope":1}}"#, "");
        assert_eq!(status, 2, "{text}");
        assert!(text.contains("invalid request") && text.contains("nope"), "{text}");
        let (status, text) = call(std::ptr::null(), r#"{"kind":"route"}"#, "");
        assert!(status == 2 && text.contains("unknown variant `route`"), "{text}");
        let (status, text) = call(std::ptr::null(), r#"{"kind":"solve","start":0,"end":0,"options":{"method":"sp"}}"#, "");
        assert!(status == 2 && text.contains("dataset handle is closed"), "{text}");
        let (status, text) = call(std::ptr::null(), r#"{"kind":"generate","count":1,"seed":3}"#, "");
        assert_eq!((status, text.lines().count()), (0, 1), "stateless: {text}");
    }
}
