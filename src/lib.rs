//! plansearch: full-text search and wording comparison for Chinese government plan documents.
//!
//! The pipeline, one module per stage, each handing its output to the next:
//! [`read`] (files and encodings) → [`structure`] (front page, TOC, headings, lost headings) →
//! [`passage`] (the unit of search) → `index` (tantivy) → `query` (exact matching, ranking,
//! comparison) → [`present`] (human, JSON, CSV). [`plan`] runs the first three for one file;
//! [`cmd`] holds one module per subcommand, [`app`] dispatches to them, [`cli`] parses arguments.

pub mod analysis;
pub mod app;
pub mod cli;
pub mod cmd;
pub mod error;
pub mod eval;
pub mod index;
pub mod open;
pub mod passage;
pub mod plan;
pub mod present;
pub mod query;
pub mod read;
pub mod scale;
pub mod serve;
pub mod structure;

pub use error::{Error, Result};
