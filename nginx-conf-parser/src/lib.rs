//! nginx configuration: tokenizer and parser (over bytes), include
//! resolution, `nginx -T` dumps, the directive catalogue and the checks
//! `nginx -t` performs at load time.
//!
//! ```
//! use lint_source::SourceMap;
//! let map = SourceMap::new();
//! let id = map.add_text("/etc/nginx/nginx.conf", lint_source::FileKind::Nginx, "events {}\nhttp { server { listen 80; } }\n");
//! let (file, errors) = nginx_conf_parser::parse_file(id, map.get(id).text());
//! assert!(errors.is_empty());
//! assert_eq!(file.directives.len(), 2);
//! ```
#![forbid(unsafe_code)]

pub mod ast;
mod cache;
pub mod catalogue;
pub mod check;
pub mod codes;
pub mod config;
pub mod context;
mod debug;
pub mod envsubst;
mod load;
mod parse;
mod print;
mod server_name;

pub use ast::{Block, BlockKind, Comment, Directive, ParsedFile, Quote, Text, Token};
pub use cache::ParseCache;
pub use config::{Config, Item, Items};
pub use debug::debug_tree;
pub use load::{from_dump, is_dump, load, normalize, LoadOptions, FILLED_AT_START};
pub use parse::{is_custom_block, parse_file, parse_text, MAX_DEPTH};
pub use print::print_file;
pub use server_name::{server_name_form, ServerNameForm};

// The README is a doctest too: its example compiles and runs with `cargo test --doc`.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
struct ReadmeDoctests;
