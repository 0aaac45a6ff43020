//! php-fpm configuration: PHP's ini dialect as php-fpm reads it (one line at
//! a time, `;` comments, `#` an error), with spans; `include=`, `$pool`,
//! `${ENV}`; the pools model; and the checks `php-fpm -t` performs, plus those
//! it misses but that fail at start.
//!
//! ```
//! use std::path::Path;
//! use std::sync::Arc;
//! use lint_source::{vfs::MemoryFs, SourceMap};
//! // Read from memory: the same loader reads the disk, a `--root` or a container's view.
//! let mut fs = MemoryFs::new();
//! fs.insert("/etc/php/8.2/fpm/php-fpm.conf", "[www]\nlisten = 9000\npm = static\npm.max_children = 2\n");
//! let opts = fpm_conf_parser::FpmLoadOptions { fs: Some(Arc::new(fs)), ..Default::default() };
//! let map = SourceMap::new();
//! let config = fpm_conf_parser::load(Path::new("/etc/php/8.2/fpm/php-fpm.conf"), &opts, &map);
//! assert!(fpm_conf_parser::check(&config).is_empty());
//! assert_eq!(config.pools[0].name, "www");
//! ```
#![forbid(unsafe_code)]

mod cache;
mod check;
pub mod codes;
mod load;
pub mod model;
mod parse;

pub use cache::FpmParseCache;
pub use check::{
    allowed_clients_problem, check, fpm_directive, fpm_directive_section, fpm_directives,
    FpmDirective,
};
pub use codes::RULES;
pub use load::{load, load_php_ini, FpmLoadOptions};
pub use model::{
    parse_fpm_time, parse_listen, resolve_path, FpmConfig, Listen, ListenHost, PhpIni, Pool,
};
pub use parse::{fpm_dump_as_ini, is_fpm_dump, parse_lines, Entry, Env, Line, Word};

// The README is a doctest too: its example compiles and runs with `cargo test --doc`.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
struct ReadmeDoctests;
