//! The `nginx-fpm-lint` binary: everything lives in `lint-cli`.
#![forbid(unsafe_code)]

/// The parsers and the model allocate many small strings and vectors; mimalloc's
/// thread-local free lists cut the allocator's share of a large run (see docs/performance.md).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> std::process::ExitCode {
    lint_cli::run()
}
