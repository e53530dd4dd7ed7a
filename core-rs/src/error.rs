//! The one error type of the crate.

/// Everything that can go wrong in keiro-core.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// Invalid user input: names the 1-based line (0 when not line-based) and the field.
    #[error("{}{field} {message}", line_prefix(*.line))]
    Input {
        /// 1-based line number of the offending JSONL record, 0 if not applicable.
        line: usize,
        /// Path of the field, e.g. `commodities[0].demand`.
        field: String,
        /// What is wrong with it.
        message: String,
    },
    /// Invalid options passed by the caller (a usage error).
    #[error("{0}")]
    Usage(String),
    /// The LP/MILP solver failed.
    #[error("solver: {0}")]
    Solver(String),
    /// A tensor operation or a checkpoint file failed.
    #[error("tensor: {0}")]
    Tensor(#[from] candle_core::Error),
    /// A panic caught at the C ABI boundary.
    #[error("internal error (panic): {0}")]
    Panic(String),
}

fn line_prefix(line: usize) -> String {
    if line == 0 {
        String::new()
    } else {
        format!("line {line}: ")
    }
}

impl Error {
    /// An input error on `line` for `field`.
    pub fn input(line: usize, field: impl Into<String>, message: impl Into<String>) -> Self {
        Error::Input { line, field: field.into(), message: message.into() }
    }
}

/// Result alias for the crate.
pub type Result<T> = std::result::Result<T, Error>;
