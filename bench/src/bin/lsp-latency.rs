//! `lsp-latency [N] [--runs R] [--profile light|heavy]`: what the language server
//! spends answering a change, on a generated tree of N sites (default 1 000): the
//! full lint of the tree with no buffer open, then a one-site change (an open,
//! edited buffer of one site laid over the disk) linted from scratch and by the
//! server's incremental linter (unchanged files' parse trees kept between runs), each
//! through the library's `Linter` (suppressions and settings included) with the
//! conversion to LSP diagnostics; and the incremental answer again with the folder
//! watched by the editor (the server trusts its files between the editor's reports of
//! changes instead of a `stat(2)` of each per answer). Prints p50 and p95 of R runs
//! (default 30) of each.
//! `--only incremental` measures the incremental answer alone (for a profiler);
//! `--phases` also prints where the incremental answer's time goes, phase by phase
//! (the phases then run one after the other, as in `--timings`).
#![forbid(unsafe_code)]

/// The allocator of the `nginx-fpm-lint` binary that serves `lsp`: with the system one the
/// bench measured glibc's free lists (a sixth of the time), not what editors run.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;
use std::time::{Duration, Instant};

use lint_api::{Input, Linter};
use lint_lsp::engine;
use lint_source::overlay::Snapshot;

/// Mean time of each phase of `runs` incremental answers (after one warm-up), in order:
/// planning (finding the deployment, before any file is parsed), the library's phases,
/// and the conversion to LSP diagnostics.
fn print_phases(
    linter: &Linter,
    input: &Input,
    edit: &dyn Fn(usize) -> Snapshot,
    runs: usize,
    rules: &[&'static lint_source::RuleMeta],
) {
    let mut totals: Vec<(&'static str, Duration)> = Vec::new();
    let mut add = |name: &'static str, d: Duration| match totals.iter_mut().find(|t| t.0 == name) {
        Some(t) => t.1 += d,
        None => totals.push((name, d)),
    };
    for i in 0..=runs {
        let input = Input {
            buffers: Some(Arc::new(edit(1000 + i))),
            ..input.clone()
        };
        let mut last = Instant::now();
        let mut seen: Vec<(&'static str, Duration)> = Vec::new();
        let mut first = true;
        let Ok(report) = linter.lint_observed(&input, &mut |phase| {
            let now = Instant::now();
            // Time before the first phase's start is planning; the first phase's own
            // time is folded into it (one mark per phase end), so name it honestly.
            let name = if first {
                "plan + read + parse"
            } else {
                phase.name()
            };
            first = false;
            seen.push((name, now - last));
            last = now;
        }) else {
            continue;
        };
        let tail = Instant::now();
        seen.push(("apply settings + fold runs", tail - last));
        let _ = engine::to_lsp(&report.diagnostics, &report.sources, rules);
        seen.push(("to LSP diagnostics", tail.elapsed()));
        if i > 0 {
            for (name, d) in seen {
                add(name, d);
            }
        }
    }
    println!("| phase of the incremental answer (run one after the other) | mean |");
    println!("|---|---|");
    for (name, d) in totals {
        println!("| {name} | {:.1} ms |", d.as_secs_f64() * 1e3 / runs as f64);
    }
}

fn percentile(times: &mut [Duration], p: f64) -> Duration {
    times.sort();
    let i = ((times.len() as f64 - 1.0) * p).round() as usize;
    times[i.min(times.len() - 1)]
}

/// CPU time this process has used so far (user + system, both threads), from
/// /proc/self/stat; `None` off Linux. Less sensitive than wall time to other load on a
/// shared machine: it says what an answer costs, not how long it waited for a core.
fn cpu_time() -> Option<Duration> {
    let stat = std::fs::read_to_string("/proc/self/stat").ok()?;
    // Fields after the command name (which may hold spaces, hence the last ')').
    let rest = &stat[stat.rfind(')')? + 2..];
    let fields: Vec<&str> = rest.split(' ').collect();
    let ticks: u64 = fields.get(11)?.parse::<u64>().ok()? + fields.get(12)?.parse::<u64>().ok()?;
    // USER_HZ is 100 on every Linux this runs on.
    Some(Duration::from_millis(ticks * 10))
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let sites: usize = args.first().and_then(|n| n.parse().ok()).unwrap_or(1000);
    let runs: usize = args
        .iter()
        .position(|a| a == "--runs")
        .and_then(|i| args.get(i + 1))
        .and_then(|n| n.parse().ok())
        .unwrap_or(30)
        .max(1);
    let profile = args
        .iter()
        .position(|a| a == "--profile")
        .and_then(|i| args.get(i + 1))
        .and_then(|p| nginx_fpm_lint_bench::Profile::parse(p))
        .unwrap_or_default();
    let dir = std::env::temp_dir().join(format!("lsp-latency-{}", std::process::id()));
    let spec = nginx_fpm_lint_bench::TreeSpec {
        sites,
        tls: false,
        profile,
    };
    if let Err(e) = nginx_fpm_lint_bench::generate(&dir, &spec) {
        eprintln!("lsp-latency: {e}");
        return ExitCode::from(1);
    }
    // An incremental linter reads a file again while its last change is under two
    // seconds old (`ReadCache`): measured at once, a freshly written tree is read whole
    // on every answer, which is not what an editor opening a repository sees.
    std::thread::sleep(Duration::from_secs(3));
    let linter = Linter::default().current_dir(&dir);
    let input = Input {
        nginx: vec![dir.join("etc/nginx/nginx.conf")],
        fpm: vec![dir.join("etc/php/8.2/fpm/php-fpm.conf")],
        ..Default::default()
    };
    let rules = lint_rules::all_rules();
    let site: PathBuf = std::fs::read_dir(dir.join("etc/nginx/sites-enabled"))
        .ok()
        .and_then(|entries| entries.filter_map(Result::ok).map(|e| e.path()).min())
        .unwrap_or_default();
    let original = std::fs::read_to_string(&site).unwrap_or_default();

    // The server's linter: parse trees of unchanged files are kept between runs.
    let incremental = linter.clone().incremental();
    // The warm-up run of the last measure: for an incremental linter, its first lint
    // (nothing kept yet: every server checked one by one).
    let first = std::cell::Cell::new(None::<Duration>);
    let measure = |linter: &Linter,
                   snapshot: &dyn Fn(usize) -> Snapshot|
     -> (Vec<Duration>, usize, Option<Duration>) {
        let mut times = Vec::with_capacity(runs);
        let mut files = 0;
        let mut cpu_start = None;
        // One warm-up run (page cache, lazily built tables).
        for i in 0..=runs {
            if i == 1 {
                cpu_start = cpu_time();
            }
            let input = Input {
                buffers: Some(Arc::new(snapshot(i))),
                ..input.clone()
            };
            let start = Instant::now();
            let Ok(report) = linter.lint(&input) else {
                continue;
            };
            let published = engine::to_lsp(&report.diagnostics, &report.sources, &rules);
            let elapsed = start.elapsed();
            files = published.len();
            if i > 0 {
                times.push(elapsed);
            } else {
                first.set(Some(elapsed));
            }
        }
        let cpu = cpu_time()
            .zip(cpu_start)
            .map(|(end, start)| end.saturating_sub(start) / runs as u32);
        (times, files, cpu)
    };
    // `--only incremental` runs the incremental answer alone (for profilers).
    let only_incremental = args
        .iter()
        .position(|a| a == "--only")
        .and_then(|i| args.get(i + 1))
        .is_some_and(|a| a == "incremental");
    let skip = |linter: &Linter, snapshot: &dyn Fn(usize) -> Snapshot| {
        if only_incremental {
            (Vec::new(), 0, None)
        } else {
            measure(linter, snapshot)
        }
    };
    let (mut full, full_files, full_cpu) = skip(&linter, &|_| Snapshot::default());
    // Each run types something different into the site's buffer.
    let edit = |i: usize| {
        let text = original.replace("server_name ", &format!("server_name edit{i}.test "));
        Snapshot::new([(site.clone(), Arc::<[u8]>::from(text.into_bytes()))])
    };
    let (mut cold, _, cold_cpu) = skip(&linter, &edit);
    let (mut change, change_files, change_cpu) = measure(&incremental, &edit);
    let first_incremental = first.get();
    // The same with an editor that watches the folder for the server (VS Code does):
    // files are trusted between its reports, not checked with `stat(2)` per answer.
    let watching = linter.clone().incremental();
    watching.watch_folder(&dir);
    let (mut watched, _, watched_cpu) = skip(&watching, &edit);
    // What the incremental answers re-did: a guard that the memos held (a context that
    // changed on every run would check every server every time, and only be slower).
    let (parses, servers) = (
        incremental.parses().unwrap_or(0),
        incremental.servers_checked().unwrap_or(0),
    );
    if args.iter().any(|a| a == "--phases") {
        print_phases(&incremental, &input, &edit, runs, &rules);
    }
    let _ = std::fs::remove_dir_all(&dir);
    println!(
        "{sites} sites ({} profile), {runs} runs each; files with findings: {full_files} / {change_files}",
        profile.name()
    );
    println!(
        "incremental answers ({} with the warm-up): {parses} nginx files parsed, {servers} servers checked by the per-server rules",
        runs + 1
    );
    if let Some(first) = first_incremental {
        println!(
            "first lint of the server's incremental linter (nothing kept yet): {:.1} ms",
            first.as_secs_f64() * 1e3
        );
    }
    println!("| answer | p50 | p95 | CPU per answer (mean) |");
    println!("|---|---|---|---|");
    for (name, times, cpu) in [
        ("full lint, no buffer open", &mut full, full_cpu),
        (
            "one site changed, every file parsed again",
            &mut cold,
            cold_cpu,
        ),
        (
            "one site changed, the server's incremental linter",
            &mut change,
            change_cpu,
        ),
        (
            "the same, the editor watching the folder's files",
            &mut watched,
            watched_cpu,
        ),
    ] {
        if times.is_empty() {
            println!("| {name} | (not run, or every run panicked) | | |");
            continue;
        }
        let cpu = cpu.map_or("n/a".to_string(), |c| {
            format!("{:.1} ms", c.as_secs_f64() * 1e3)
        });
        println!(
            "| {name} | {:.1} ms | {:.1} ms | {cpu} |",
            percentile(times, 0.5).as_secs_f64() * 1e3,
            percentile(times, 0.95).as_secs_f64() * 1e3
        );
    }
    ExitCode::SUCCESS
}
