//! A directed edge of a TE instance, the unit the routing graph is built from.

/// A directed edge with a positive, finite capacity.
#[derive(Clone, Debug, PartialEq)]
pub struct Edge {
    /// Tail node index.
    pub src: usize,
    /// Head node index.
    pub dst: usize,
    /// Capacity (any unit, the same as the demands).
    pub capacity: f64,
}
