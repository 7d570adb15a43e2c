//! `plansearch serve`: the web pages and JSON API, on this machine by default.

use crate::app::Outcome;
use crate::error::Result;
use crate::serve::{self, ServeOptions};

pub fn run(c: &ServeOptions) -> Result<Outcome> {
    serve::run(c)?;
    Ok(Outcome::Found)
}
