//! `bench [--sizes 10,100,1000,5000] [--runs 5] [--profiles light,heavy]
//!        [--formats concise,pretty,json,json-lines,sarif,github] [--no-tls]
//!        [--no-external] [--timings]`
//!
//! Generates trees of N sites in each profile and times, on the same tree, as
//! separate processes:
//! - `read-floor`: every file of the tree read on all cores, nothing else (the
//!   physical floor of any lint);
//! - our full lint (both sides, all rules) once per output format, its stdout a
//!   pipe read by another process (`wc -c`), as in CI logs and `| jq`;
//! - `nginx -t` (light profile also with TLS servers) and `php-fpm8.2 -t`.
//!
//! Prints a Markdown table of medians (wall, CPU, peak RSS) with each row's ratio
//! to the read floor and to `nginx -t`, the 1 000 → 5 000 scaling per profile,
//! single-threaded parse throughput and, with `--timings`, the per-phase and
//! per-rule table of the largest heavy tree. Needs `cargo build --release -p
//! nginx-fpm-lint -p nginx-fpm-lint-bench` and, for CPU and RSS, /usr/bin/time.
#![forbid(unsafe_code)]

use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::Arc;
use std::time::Instant;

use nginx_fpm_lint_bench::{generate, Profile, TreeSpec};

#[derive(Clone, Copy, Default)]
struct Sample {
    wall: f64,
    cpu: Option<f64>,
    rss_kib: Option<u64>,
    /// Bytes the command wrote to its stdout pipe.
    out_bytes: Option<u64>,
}

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(|a, b| a.total_cmp(b));
    v[v.len() / 2]
}

/// Runs `cmd` once. With `pipe`, its stdout goes to a `wc -c` process (a pipe
/// read by another process) and the count is kept; otherwise to /dev/null.
fn time_cmd(cmd: &[String], has_time: bool, scratch: &Path, pipe: bool) -> Sample {
    let out_file = scratch.join("time.out");
    let mut command = if has_time {
        let mut c = Command::new("/usr/bin/time");
        c.arg("-f")
            .arg("%U %S %M")
            .arg("-o")
            .arg(&out_file)
            .args(cmd);
        c
    } else {
        let mut c = Command::new(&cmd[0]);
        c.args(&cmd[1..]);
        c
    };
    command
        .stdout(if pipe { Stdio::piped() } else { Stdio::null() })
        .stderr(Stdio::null());
    let start = Instant::now();
    let mut out_bytes = None;
    match command.spawn() {
        Ok(mut child) => {
            if let Some(stdout) = child.stdout.take() {
                let reader = Command::new("wc")
                    .arg("-c")
                    .stdin(stdout)
                    .stdout(Stdio::piped())
                    .spawn();
                if let Ok(mut wc) = reader {
                    let mut text = String::new();
                    if let Some(mut o) = wc.stdout.take() {
                        let _ = o.read_to_string(&mut text);
                    }
                    let _ = wc.wait();
                    out_bytes = text.trim().parse().ok();
                }
            }
            let _ = child.wait();
        }
        Err(e) => eprintln!("bench: {}: {e}", cmd[0]),
    }
    let wall = start.elapsed().as_secs_f64();
    let mut sample = Sample {
        wall,
        out_bytes,
        ..Sample::default()
    };
    if has_time {
        if let Ok(text) = std::fs::read_to_string(&out_file) {
            let nums: Vec<&str> = text
                .lines()
                .last()
                .unwrap_or("")
                .split_whitespace()
                .collect();
            if let [u, s, m] = nums.as_slice() {
                sample.cpu = u
                    .parse::<f64>()
                    .ok()
                    .zip(s.parse::<f64>().ok())
                    .map(|(a, b)| a + b);
                sample.rss_kib = m.parse().ok();
            }
        }
    }
    sample
}

fn run(cmd: &[String], runs: usize, has_time: bool, scratch: &Path, pipe: bool) -> Sample {
    let samples: Vec<Sample> = (0..runs)
        .map(|_| time_cmd(cmd, has_time, scratch, pipe))
        .collect();
    Sample {
        wall: median(samples.iter().map(|s| s.wall).collect()),
        cpu: samples
            .iter()
            .map(|s| s.cpu)
            .collect::<Option<Vec<f64>>>()
            .map(median),
        // The median run's peak, like the times (one outlier would hide a change).
        rss_kib: samples
            .iter()
            .map(|s| s.rss_kib)
            .collect::<Option<Vec<u64>>>()
            .map(|v| median(v.into_iter().map(|k| k as f64).collect()) as u64),
        out_bytes: samples.iter().find_map(|s| s.out_bytes),
    }
}

fn files(dir: &Path) -> Vec<PathBuf> {
    // Files only, sorted; symlinks to files count (sites-enabled).
    walkdir::WalkDir::new(dir)
        .sort_by_file_name()
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| !e.file_type().is_dir())
        .map(|e| e.into_path())
        .collect()
}

fn s(v: impl AsRef<str>) -> String {
    v.as_ref().to_string()
}

fn bytes_under(all: &[PathBuf], dir: &Path) -> u64 {
    all.iter()
        .filter(|p| p.starts_with(dir))
        .filter_map(|p| std::fs::metadata(p).ok())
        .map(|m| m.len())
        .sum()
}

fn nginx_cmd(d: &str) -> Vec<String> {
    vec![
        s("nginx"),
        s("-t"),
        s("-q"),
        s("-p"),
        s(d),
        s("-c"),
        format!("{d}/etc/nginx/nginx.conf"),
        s("-g"),
        format!("pid {d}/run/nginx.pid; error_log {d}/log/nginx-error.log;"),
    ]
}

/// Writes a self-signed certificate for the TLS variant; false when openssl is missing.
fn make_cert(tdir: &Path) -> bool {
    let ssl = tdir.join("etc/nginx/ssl");
    let _ = std::fs::create_dir_all(&ssl);
    Command::new("openssl")
        .args([
            "req",
            "-x509",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-days",
            "30",
            "-subj",
            "/CN=bench.test",
            "-keyout",
        ])
        .arg(ssl.join("key.pem"))
        .arg("-out")
        .arg(ssl.join("cert.pem"))
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success())
}

/// The summary line of a concise run: "Found N problems (...)." or "No problems found.".
fn findings(ours: &Path, lint_args: &[String]) -> String {
    let out = Command::new(ours)
        .args(lint_args)
        .args(["--format", "concise"])
        .stderr(Stdio::null())
        .output();
    let text = out
        .map(|o| String::from_utf8_lossy(&o.stdout).into_owned())
        .unwrap_or_default();
    let last = text.lines().last().unwrap_or("");
    last.strip_prefix("Found ")
        .and_then(|r| r.split(' ').next())
        .unwrap_or("0")
        .to_string()
}

struct Options {
    sizes: Vec<usize>,
    runs: usize,
    profiles: Vec<Profile>,
    formats: Vec<String>,
    tls: bool,
    external: bool,
    timings: bool,
}

/// What `--help` prints, and what an unknown flag is answered with.
const USAGE: &str = "usage: bench [--sizes 10,100,1000,5000] [--runs 5] [--profiles light,heavy]
             [--formats concise,pretty,json,json-lines,sarif,github] [--no-tls]
             [--no-external] [--timings]
Times the linter beside the read floor, `nginx -t` and `php-fpm8.2 -t` on generated
trees (docs/performance.md). Build first: cargo build --release -p nginx-fpm-lint -p nginx-fpm-lint-bench";

fn options() -> Options {
    let args: Vec<String> = std::env::args().skip(1).collect();
    // `--help` ran the whole bench (every flag was looked up, none checked).
    const WITH_VALUE: &[&str] = &["--sizes", "--runs", "--profiles", "--formats"];
    const SWITCHES: &[&str] = &["--no-tls", "--no-external", "--timings"];
    let mut i = 0;
    while i < args.len() {
        let a = args[i].as_str();
        if a == "--help" || a == "-h" {
            println!("{USAGE}");
            std::process::exit(0);
        }
        if WITH_VALUE.contains(&a) && i + 1 < args.len() {
            i += 2;
            continue;
        }
        if !SWITCHES.contains(&a) {
            eprintln!("bench: unexpected argument {a:?}\n{USAGE}");
            std::process::exit(2);
        }
        i += 1;
    }
    let value = |flag: &str| {
        args.iter()
            .position(|a| a == flag)
            .and_then(|i| args.get(i + 1))
            .cloned()
    };
    let list = |flag: &str, default: &str| -> Vec<String> {
        value(flag)
            .unwrap_or_else(|| default.into())
            .split(',')
            .map(str::to_string)
            .collect()
    };
    Options {
        sizes: list("--sizes", "10,100,1000,5000")
            .iter()
            .filter_map(|n| n.parse().ok())
            .collect(),
        runs: value("--runs").and_then(|r| r.parse().ok()).unwrap_or(5),
        profiles: list("--profiles", "light,heavy")
            .iter()
            .filter_map(|p| Profile::parse(p))
            .collect(),
        formats: list("--formats", "concise,pretty,json,json-lines,sarif,github"),
        tls: !args.iter().any(|a| a == "--no-tls"),
        external: !args.iter().any(|a| a == "--no-external"),
        timings: args.iter().any(|a| a == "--timings"),
    }
}

fn main() {
    let opt = options();
    let exe_dir = std::env::current_exe()
        .ok()
        .and_then(|p| p.parent().map(Path::to_path_buf))
        .unwrap_or_default();
    let ours = exe_dir.join("nginx-fpm-lint");
    let floor = exe_dir.join("read-floor");
    for bin in [&ours, &floor] {
        if !bin.exists() {
            eprintln!(
                "bench: {} not found; run `cargo build --release -p nginx-fpm-lint -p nginx-fpm-lint-bench` first",
                bin.display()
            );
            std::process::exit(2);
        }
    }
    let has_time = Path::new("/usr/bin/time").exists();
    let has = |bin: &str| {
        opt.external
            && Command::new(bin)
                .arg("-v")
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                .status()
                .is_ok_and(|s| s.success())
    };
    let (has_nginx, has_fpm) = (has("nginx"), has("php-fpm8.2"));
    // Not under /tmp: pool sockets there are (rightly) flagged.
    let scratch = exe_dir.join(format!("bench-trees-{}", std::process::id()));
    let _ = std::fs::create_dir_all(&scratch);

    println!(
        "| profile | sites | input (nginx + fpm) | findings | tool | output | median wall | CPU (user+sys) | peak RSS | × read floor | vs nginx -t |"
    );
    println!("|---|---:|---:|---:|---|---:|---:|---:|---:|---:|---:|");
    let mut json_by_size: Vec<(Profile, usize, f64)> = Vec::new();
    let mut largest_heavy: Option<PathBuf> = None;
    for &profile in &opt.profiles {
        for &n in &opt.sizes {
            let dir = scratch.join(format!("{}-n{n}", profile.name()));
            let _ = std::fs::remove_dir_all(&dir);
            let spec = TreeSpec {
                sites: n,
                tls: false,
                profile,
            };
            if let Err(e) = generate(&dir, &spec) {
                eprintln!("bench: generating {n} sites: {e}");
                std::process::exit(1);
            }
            let all = files(&dir.join("etc"));
            let nginx_bytes = bytes_under(&all, &dir.join("etc/nginx"));
            let fpm_bytes = bytes_under(&all, &dir.join("etc/php"));
            let d = dir.display().to_string();
            let lint_args = vec![
                s("--no-config"),
                s("--nginx"),
                format!("{d}/etc/nginx/nginx.conf"),
                s("--fpm"),
                format!("{d}/etc/php/8.2/fpm/php-fpm.conf"),
            ];
            let found = findings(&ours, &lint_args);
            let mut rows: Vec<(String, Sample)> = Vec::new();
            let floor_sample = run(
                &[floor.display().to_string(), format!("{d}/etc")],
                opt.runs,
                has_time,
                &scratch,
                false,
            );
            rows.push((s("read floor (every file, all cores)"), floor_sample));
            for format in &opt.formats {
                let mut cmd = vec![ours.display().to_string()];
                cmd.extend(lint_args.iter().cloned());
                cmd.extend([s("--format"), format.clone()]);
                let sample = run(&cmd, opt.runs, has_time, &scratch, true);
                if format == "json" {
                    json_by_size.push((profile, n, sample.wall));
                }
                rows.push((
                    format!("nginx-fpm-lint --format {format} \\| wc -c"),
                    sample,
                ));
            }
            let external_runs = if n >= 5000 { opt.runs.min(3) } else { opt.runs };
            let mut nginx_wall = None;
            if has_nginx {
                let sample = run(&nginx_cmd(&d), external_runs, has_time, &scratch, false);
                nginx_wall = Some(sample.wall);
                rows.push((s("nginx -t"), sample));
                if opt.tls && profile == Profile::Light {
                    let tdir = scratch.join(format!("{}-n{n}-tls", profile.name()));
                    let _ = std::fs::remove_dir_all(&tdir);
                    let tspec = TreeSpec { tls: true, ..spec };
                    if make_cert(&tdir) && generate(&tdir, &tspec).is_ok() {
                        let td = tdir.display().to_string();
                        rows.push((
                            s("nginx -t (with TLS servers)"),
                            run(&nginx_cmd(&td), external_runs, has_time, &scratch, false),
                        ));
                    }
                    let _ = std::fs::remove_dir_all(&tdir);
                }
            }
            if has_fpm {
                let cmd = [
                    s("php-fpm8.2"),
                    s("-t"),
                    s("-y"),
                    format!("{d}/etc/php/8.2/fpm/php-fpm.conf"),
                    s("-p"),
                    d.clone(),
                ];
                rows.push((
                    s("php-fpm8.2 -t"),
                    run(&cmd, external_runs, has_time, &scratch, false),
                ));
            }
            for (tool, sample) in rows {
                let vs_nginx = nginx_wall.map_or("-".to_string(), |nw| {
                    if tool.starts_with("nginx-fpm-lint") {
                        let speedup = nw / sample.wall;
                        if speedup >= 1.0 {
                            format!("{speedup:.1}× faster")
                        } else {
                            format!("{:.1}× slower", 1.0 / speedup)
                        }
                    } else {
                        format!("{:.2}", sample.wall / nw)
                    }
                });
                println!(
                    "| {} | {n} | {:.1} + {:.1} MB | {found} | {tool} | {} | {:.3} s | {} | {} | {:.2} | {vs_nginx} |",
                    profile.name(),
                    nginx_bytes as f64 / 1e6,
                    fpm_bytes as f64 / 1e6,
                    sample
                        .out_bytes
                        .map_or("-".to_string(), |b| format!("{:.2} MB", b as f64 / 1e6)),
                    sample.wall,
                    sample.cpu.map_or("-".to_string(), |c| format!("{c:.3} s")),
                    sample
                        .rss_kib
                        .map_or("-".to_string(), |k| format!("{:.0} MiB", k as f64 / 1024.0)),
                    sample.wall / floor_sample.wall,
                );
            }
            if profile == Profile::Heavy {
                if let Some(old) = largest_heavy.replace(dir.clone()) {
                    let _ = std::fs::remove_dir_all(old);
                }
            } else if Some(&n) != opt.sizes.iter().max() {
                let _ = std::fs::remove_dir_all(&dir);
            }
        }
    }
    println!();
    for &profile in &opt.profiles {
        let at = |n: usize| {
            json_by_size
                .iter()
                .find(|(p, s, _)| *p == profile && *s == n)
                .map(|r| r.2)
        };
        if let (Some(t1), Some(t2)) = (at(1000), at(5000)) {
            println!(
                "scaling ({} profile, --format json): 1000 → 5000 sites: {:.2}× the time for 5× the sites",
                profile.name(),
                t2 / t1
            );
        }
    }
    // Single-threaded parse throughput over the largest tree's nginx files.
    let biggest = opt.sizes.iter().max().copied();
    let parse_dir = largest_heavy
        .clone()
        .or_else(|| biggest.map(|n| scratch.join(format!("{}-n{n}", Profile::Light.name()))));
    if let Some(dir) = parse_dir.filter(|d| d.exists()) {
        let texts: Vec<Arc<[u8]>> = files(&dir.join("etc/nginx"))
            .iter()
            .filter_map(|p| std::fs::read(p).ok())
            .map(Arc::from)
            .collect();
        let tree = dir
            .file_name()
            .map_or(String::new(), |f| f.to_string_lossy().into_owned());
        // The best of five passes of `parse_all` (which returns a count, kept from the
        // optimiser) over `bytes` of `what`.
        let throughput = |what: &str, bytes: usize, parse_all: &dyn Fn() -> usize| {
            let mut best = f64::MAX;
            for _ in 0..5 {
                let start = Instant::now();
                std::hint::black_box(parse_all());
                best = best.min(start.elapsed().as_secs_f64());
            }
            println!(
                "parse throughput (one thread, {tree}, {:.1} MB of {what} files): {:.0} MB/s",
                bytes as f64 / 1e6,
                bytes as f64 / 1e6 / best
            );
        };
        throughput("nginx", texts.iter().map(|t| t.len()).sum(), &|| {
            texts
                .iter()
                .enumerate()
                .map(|(i, t)| {
                    let (file, _) =
                        nginx_conf_parser::parse_file(lint_source::FileId(i as u32), Arc::clone(t));
                    file.directives.len()
                })
                .sum()
        });
        // The same for the pool files: with the nginx line, what parsing alone costs
        // against the read floor (a lint cannot be faster than reading and parsing once).
        let pools: Vec<Vec<u8>> = files(&dir.join("etc/php"))
            .iter()
            .filter_map(|p| std::fs::read(p).ok())
            .collect();
        let env = fpm_conf_parser::Env::new();
        throughput("php-fpm", pools.iter().map(Vec::len).sum(), &|| {
            pools
                .iter()
                .enumerate()
                .map(|(i, t)| {
                    let (mut diags, mut unknown) = (Vec::new(), Vec::new());
                    fpm_conf_parser::parse_lines(
                        lint_source::FileId(i as u32),
                        t,
                        &env,
                        &mut diags,
                        &mut unknown,
                    )
                    .len()
                })
                .sum()
        });
    }
    if opt.timings {
        if let Some(dir) = &largest_heavy {
            let d = dir.display().to_string();
            let out = Command::new(&ours)
                .args([
                    "--no-config",
                    "--timings",
                    "--format",
                    "json",
                    "--nginx",
                    &format!("{d}/etc/nginx/nginx.conf"),
                    "--fpm",
                    &format!("{d}/etc/php/8.2/fpm/php-fpm.conf"),
                ])
                .stdout(Stdio::null())
                .stderr(Stdio::piped())
                .output();
            if let Ok(o) = out {
                println!("\n--timings on {}:\n", dir.display());
                print!("{}", String::from_utf8_lossy(&o.stderr));
            }
        }
    }
    let _ = std::fs::remove_dir_all(&scratch);
}
