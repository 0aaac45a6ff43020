//! php-fpm configuration: PHP's ini dialect as php-fpm reads it (one line at
//! a time, `;` comments, `#` an error), with spans; `include=`, `$pool`,
//! `${ENV}`; the pools model; and the checks `php-fpm -t` performs, plus those
//! it misses but that fail at start.
//!
//! ```
//! use lint_source::SourceMap;
//! let dir = std::env::temp_dir().join(format!("fpm-doc-{}", std::process::id()));
//! std::fs::create_dir_all(&dir).unwrap();
//! std::fs::write(dir.join("php-fpm.conf"), "[www]\nlisten = 9000\npm = static\npm.max_children = 2\n").unwrap();
//! let map = SourceMap::new();
//! let config = fpm_conf_parser::load(&dir.join("php-fpm.conf"), &Default::default(), &map);
//! assert!(fpm_conf_parser::check(&config).is_empty());
//! assert_eq!(config.pools[0].name, "www");
//! ```
#![forbid(unsafe_code)]

mod check;
pub mod codes;
mod load;
pub mod model;
mod parse;

pub use check::{
    allowed_clients_problem, check, fpm_directive, fpm_directive_section, fpm_directives,
    FpmDirective,
};
pub use codes::RULES;
pub use load::{load, load_php_ini, FpmLoadOptions};
pub use model::{
    parse_fpm_time, parse_listen, resolve_path, FpmConfig, Listen, ListenHost, PhpIni, Pool,
};
pub use parse::{parse_lines, Entry, Env, Line};

// The README is a doctest too: its example compiles and runs with `cargo test --doc`.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
struct ReadmeDoctests;
