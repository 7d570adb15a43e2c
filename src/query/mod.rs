//! Stage 5: answering queries from the index.
//!
//! Input: a query string and an [`crate::index::Opened`] index. Output: data — ranked hits,
//! counts, concordance lines — for the present stage to render. Exact matching ([`exact`]) never
//! depends on word segmentation; words ([`words`]) serve ranking and the lower tiers.

pub mod compare;
pub mod concept;
pub mod document;
pub mod exact;
pub mod expand;
pub mod filter;
pub mod highlight;
pub mod kwic;
pub mod parse;
pub mod scan;
pub mod search;
pub mod words;

pub use filter::Filters;
pub use parse::{Query, parse};
pub use search::{Hit, MatchKind, SearchResults, search};
