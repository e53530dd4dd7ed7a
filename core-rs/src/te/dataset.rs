//! A parsed, validated set of instances with the line each came from: what the C ABI's TE handle
//! holds, solves and evaluates, and what the hybrid model steps and routes on.

use serde_json::Value;

use crate::error::{Error, Result};
use crate::te::instance::Instance;

/// Instances parsed from JSON Lines, in order.
#[derive(Debug)]
pub struct Dataset {
    /// The instances.
    pub instances: Vec<Instance>,
    /// `lines[i]`: the line instance `i` was read from.
    pub lines: Vec<usize>,
}

impl Dataset {
    /// Parses JSON Lines as [`Instance::parse_jsonl`] does.
    pub fn parse(text: &str, first_line: usize) -> Result<Dataset> {
        let (lines, instances) = Instance::parse_numbered_jsonl(text, first_line)?.into_iter().unzip();
        Ok(Dataset { instances, lines })
    }

    /// The reference MLU each instance carries under the key `key` (one outside the instance
    /// contract): a number, like `opt_mlu` of `keiro import te --opt`, or an object with an `mlu`,
    /// like the `milp` label of a training run's data; `None` where the key is absent or null.
    /// A value of another shape is an input error naming the instance's line and the field.
    pub fn reference_mlus(&self, key: &str) -> Result<Vec<Option<f64>>> {
        self.instances
            .iter()
            .zip(&self.lines)
            .map(|(inst, &line)| {
                let (field, v) = match inst.extra.get(key) {
                    None | Some(Value::Null) => return Ok(None),
                    Some(Value::Object(o)) => (format!("{key}.mlu"), o.get("mlu").unwrap_or(&Value::Null)),
                    Some(v) => (key.to_string(), v),
                };
                match v.as_f64() {
                    Some(x) if x.is_finite() && x >= 0.0 => Ok(Some(x)),
                    _ => Err(Error::input(line, field, format!("must be a non-negative number (a reference MLU), got {v}"))),
                }
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::TRAP;

    #[test]
    fn lines_count_blank_lines_from_the_first_line() {
        let d = Dataset::parse(&format!("\n{TRAP}\n  \n{TRAP}\n"), 10).unwrap();
        assert_eq!(d.instances.len(), 2);
        assert_eq!(d.lines, vec![11, 13]);
        let e = Dataset::parse(&format!("{TRAP}\n\n{{}}"), 1).unwrap_err().to_string();
        assert!(e.starts_with("line 3: "), "{e}");
    }

    #[test]
    fn reference_mlus_read_numbers_and_labels_and_name_the_line_of_a_bad_one() {
        let with = |extra: &str| TRAP.replacen('{', &format!("{{{extra},"), 1);
        let text = [with(r#""opt_mlu":0.5,"milp":{"mlu":0.75}"#), TRAP.to_string(), with(r#""opt_mlu":null"#)].join("\n");
        let d = Dataset::parse(&text, 1).unwrap();
        assert_eq!(d.reference_mlus("opt_mlu").unwrap(), vec![Some(0.5), None, None]);
        assert_eq!(d.reference_mlus("milp").unwrap(), vec![Some(0.75), None, None]);
        assert_eq!(d.reference_mlus("nope").unwrap(), vec![None; 3]);
        let d = Dataset::parse(&format!("{TRAP}\n{}", with(r#""milp":{"mlu":"low"}"#)), 1).unwrap();
        let e = d.reference_mlus("milp").unwrap_err().to_string();
        assert_eq!(e, "line 2: milp.mlu must be a non-negative number (a reference MLU), got \"low\"");
        let d = Dataset::parse(&with(r#""opt_mlu":-1"#), 4).unwrap();
        assert_eq!(
            d.reference_mlus("opt_mlu").unwrap_err().to_string(),
            "line 4: opt_mlu must be a non-negative number (a reference MLU), got -1"
        );
    }
}
