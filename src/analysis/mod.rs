//! Analyses of the corpus beside search: where a plan's wording comes from ([`reuse`]) and what
//! a plan says more than the others ([`keyness`]). Like the query stage they read the index and
//! return data; the present stage prints it.

pub mod keyness;
pub mod reuse;
pub mod targets;
