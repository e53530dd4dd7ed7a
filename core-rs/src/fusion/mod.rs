//! Property regression on crystals: a CGCNN encoder fused with composition descriptors, and the
//! random-forest baseline.

pub mod cgcnn_conv;
pub mod config;
pub mod crystal_set;
pub mod model;
pub mod random_forest;
pub mod regression_tree;
pub mod trainer;
