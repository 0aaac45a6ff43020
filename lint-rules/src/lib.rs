//! The rule engine: a cross-file model of nginx + php-fpm, the registry of
//! rules, and the rules themselves (one file each under `rules/`).
#![forbid(unsafe_code)]

mod rule;

pub use rule::{Rule, Sink};
