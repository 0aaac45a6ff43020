//! nginx configuration: tokenizer and parser (nom, over bytes), include
//! resolution, `nginx -T` dumps, the directive catalogue and the checks
//! `nginx -t` performs at load time.
#![forbid(unsafe_code)]

pub mod ast;
pub mod config;

pub use ast::{Block, BlockKind, Comment, Directive, ParsedFile, Quote, Token};
pub use config::{Config, Item, Items};
