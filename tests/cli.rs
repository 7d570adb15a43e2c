//! plansearch's integration tests: one binary, one module per area.

mod util;

mod analysis;
mod commands;
mod compare;
mod faults;
mod formats;
mod fuzz;
mod index;
mod readme;
mod recall;
mod scale;
mod search;
mod serve;
mod structure;
mod targets;
mod variants;
