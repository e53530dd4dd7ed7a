//! A parsed, validated set of instances with the line each came from: what the C ABI's TE handle
//! holds, solves and evaluates, and what the hybrid model steps and routes on.

use crate::error::Result;
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
}
