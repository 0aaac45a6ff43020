//! Source map, byte spans and the diagnostic model shared by every crate.
//!
//! Parsers and rules only ever produce [`Diagnostic`]s that point at [`Span`]s
//! (file id + byte range). Turning a span into `path:line:col` happens once, at
//! output time, through the [`SourceMap`] that owns every file's bytes.
#![forbid(unsafe_code)]
#![cfg_attr(test, allow(clippy::unwrap_used))]

mod diagnostic;
pub mod distance;
pub mod edits;
mod meta;
pub mod overlay;
pub mod read_cache;
mod source_map;
pub mod vfs;

pub use diagnostic::{Applicability, Diagnostic, Edit, Fix, Label, Severity};
pub use meta::{Family, RuleMeta};
pub use source_map::{
    Carrier, CarrierLines, FileId, FileKind, IdSource, LineCol, Mark, SourceFile, SourceMap, Span,
};

// The README is a doctest too: its example compiles and runs with `cargo test --doc`.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
struct ReadmeDoctests;
