//! `mem-phases DIR [--dhat] [--as-cli]`: where the bytes go in a full lint of the tree under
//! DIR (made by `gen-tree`), phase by phase: bytes and blocks allocated during
//! each phase, bytes still live when it ends, and the peak so far.
//!
//! Every allocation goes through dhat's counting allocator (slow; the times it
//! prints are not the linter's). With `--dhat` it also writes `dhat-heap.json`
//! (allocation sites, for <https://nnethercote.github.io/dh_view/dh_view.html>).
//! With `--as-cli` the trees and the model are left for the exit, as the CLI leaves
//! them (it ends the process after the report), so the sort and the render allocate
//! on top of them and the peak is the CLI's.
#![forbid(unsafe_code)]

use std::path::PathBuf;
use std::process::ExitCode;

#[global_allocator]
static ALLOC: dhat::Alloc = dhat::Alloc;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let Some(dir) = args.first().map(PathBuf::from) else {
        eprintln!("usage: mem-phases DIR [--dhat] [--as-cli]");
        return ExitCode::from(2);
    };
    let _profiler = if args.iter().any(|a| a == "--dhat") {
        dhat::Profiler::new_heap()
    } else {
        dhat::Profiler::builder().testing().build()
    };
    let mut input = lint_rules::LintInput {
        nginx: vec![lint_rules::NginxInput::File(
            dir.join("etc/nginx/nginx.conf"),
        )],
        fpm: vec![dir.join("etc/php/8.2/fpm/php-fpm.conf")],
        ..Default::default()
    };
    input.options.left_for_exit = args.iter().any(|a| a == "--as-cli");
    let map = lint_source::SourceMap::new();
    let mut rows: Vec<(&'static str, dhat::HeapStats)> = vec![("start", dhat::HeapStats::get())];
    let (diagnostics, _) = lint_rules::lint_observed(&input, &map, &mut |phase| {
        rows.push((phase.name(), dhat::HeapStats::get()));
    });
    let resolver =
        lint_cli::render::Resolver::new(&map, std::env::current_dir().unwrap_or_default());
    let rules = lint_cli::all_rules();
    for (name, format) in [
        ("render json", lint_cli::args::Format::Json),
        ("render sarif", lint_cli::args::Format::Sarif),
        ("render concise", lint_cli::args::Format::Concise),
    ] {
        let _ = lint_cli::render::render(
            format,
            &mut std::io::sink(),
            &diagnostics,
            &resolver,
            &rules,
            false,
        );
        rows.push((name, dhat::HeapStats::get()));
    }
    let input_bytes: usize = map.files().iter().map(|(_, f)| f.text_len()).sum();
    let mib = |b: u64| b as f64 / (1024.0 * 1024.0);
    println!(
        "{} files, {:.1} MiB of input ({input_bytes} bytes), {} findings\n",
        map.len(),
        mib(input_bytes as u64),
        diagnostics.len()
    );
    println!("| phase | allocated | blocks | bytes per input byte | live at end | peak so far |");
    println!("|---|---:|---:|---:|---:|---:|");
    for pair in rows.windows(2) {
        let (before, (name, after)) = (&pair[0].1, &pair[1]);
        let bytes = after.total_bytes - before.total_bytes;
        println!(
            "| {name} | {:.1} MiB | {} | {:.2} | {:.1} MiB | {:.1} MiB |",
            mib(bytes),
            after.total_blocks - before.total_blocks,
            bytes as f64 / input_bytes.max(1) as f64,
            mib(after.curr_bytes as u64),
            mib(after.max_bytes as u64),
        );
    }
    ExitCode::SUCCESS
}
