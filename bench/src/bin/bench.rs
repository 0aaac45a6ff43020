//! `bench [--sizes 10,100,1000,5000] [--runs 5] [--no-tls]`
//!
//! Generates trees of N sites and times, on the same trees: our full lint
//! (both sides, all rules, JSON to /dev/null), `nginx -t` with and without TLS
//! certificates, `php-fpm8.2 -t`, and `cat` of every file (the I/O floor).
//! Prints a Markdown table of medians (wall, CPU, peak RSS) and ratios, then
//! single-threaded parse throughput. Needs `target/release/nginx-fpm-lint`
//! (`cargo build --release` first) and, for CPU and RSS, /usr/bin/time.
#![forbid(unsafe_code)]

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::Arc;
use std::time::Instant;

use nginx_fpm_lint_bench::{generate, TreeSpec};

#[derive(Clone, Copy, Default)]
struct Sample {
    wall: f64,
    cpu: Option<f64>,
    rss_kib: Option<u64>,
}

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(|a, b| a.total_cmp(b));
    v[v.len() / 2]
}

fn time_cmd(cmd: &[String], has_time: bool, scratch: &Path) -> Sample {
    let out_file = scratch.join("time.out");
    let start = Instant::now();
    let status = if has_time {
        Command::new("/usr/bin/time")
            .arg("-f")
            .arg("%U %S %M")
            .arg("-o")
            .arg(&out_file)
            .args(cmd)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status()
    } else {
        Command::new(&cmd[0])
            .args(&cmd[1..])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status()
    };
    let wall = start.elapsed().as_secs_f64();
    let _ = status;
    let mut sample = Sample {
        wall,
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

fn run(cmd: &[String], runs: usize, has_time: bool, scratch: &Path) -> Sample {
    let samples: Vec<Sample> = (0..runs)
        .map(|_| time_cmd(cmd, has_time, scratch))
        .collect();
    Sample {
        wall: median(samples.iter().map(|s| s.wall).collect()),
        cpu: samples
            .iter()
            .map(|s| s.cpu)
            .collect::<Option<Vec<f64>>>()
            .map(median),
        rss_kib: samples.iter().filter_map(|s| s.rss_kib).max(),
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

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let value = |flag: &str| {
        args.iter()
            .position(|a| a == flag)
            .and_then(|i| args.get(i + 1))
            .cloned()
    };
    let sizes: Vec<usize> = value("--sizes")
        .unwrap_or_else(|| "10,100,1000,5000".into())
        .split(',')
        .filter_map(|n| n.parse().ok())
        .collect();
    let runs: usize = value("--runs").and_then(|r| r.parse().ok()).unwrap_or(5);
    let tls = !args.iter().any(|a| a == "--no-tls");
    let exe_dir = std::env::current_exe()
        .ok()
        .and_then(|p| p.parent().map(Path::to_path_buf))
        .unwrap_or_default();
    let ours = exe_dir.join("nginx-fpm-lint");
    if !ours.exists() {
        eprintln!(
            "bench: {} not found; run `cargo build --release` first",
            ours.display()
        );
        std::process::exit(2);
    }
    let has_time = Path::new("/usr/bin/time").exists();
    let has = |bin: &str| {
        Command::new(bin)
            .arg("-v")
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status()
            .is_ok_and(|s| s.success())
    };
    let (has_nginx, has_fpm) = (has("nginx"), has("php-fpm8.2"));
    // Not under /tmp: pool sockets there are (rightly) flagged, and the trees should lint clean.
    let scratch = exe_dir.join(format!("bench-trees-{}", std::process::id()));
    let _ = std::fs::create_dir_all(&scratch);

    println!(
        "| sites | nginx config | tool | median wall | CPU (user+sys) | peak RSS | vs nginx -t |"
    );
    println!("|---:|---:|---|---:|---:|---:|---:|");
    let mut ours_by_size = Vec::new();
    for &n in &sizes {
        let dir = scratch.join(format!("n{n}"));
        let _ = std::fs::remove_dir_all(&dir);
        if let Err(e) = generate(
            &dir,
            &TreeSpec {
                sites: n,
                tls: false,
            },
        ) {
            eprintln!("bench: generating {n} sites: {e}");
            std::process::exit(1);
        }
        let all = files(&dir.join("etc"));
        let nginx_bytes: u64 = all
            .iter()
            .filter(|p| p.starts_with(dir.join("etc/nginx")))
            .filter_map(|p| std::fs::metadata(p).ok())
            .map(|m| m.len())
            .sum();
        let d = dir.display().to_string();
        let mut rows: Vec<(String, Sample)> = Vec::new();
        let lint = [
            ours.display().to_string(),
            s("--no-config"),
            s("--format"),
            s("json"),
            s("--nginx"),
            format!("{d}/etc/nginx/nginx.conf"),
            s("--fpm"),
            format!("{d}/etc/php/8.2/fpm/php-fpm.conf"),
        ];
        let ours_sample = run(&lint, runs, has_time, &scratch);
        rows.push((s("nginx-fpm-lint (all rules, JSON)"), ours_sample));
        ours_by_size.push((n, ours_sample.wall));
        let nginx_runs = if n >= 5000 { runs.min(3) } else { runs };
        let mut nginx_wall = None;
        if has_nginx {
            let cmd = [
                s("nginx"),
                s("-t"),
                s("-q"),
                s("-p"),
                d.clone(),
                s("-c"),
                format!("{d}/etc/nginx/nginx.conf"),
                s("-g"),
                format!("pid {d}/run/nginx.pid; error_log {d}/log/nginx-error.log;"),
            ];
            let sample = run(&cmd, nginx_runs, has_time, &scratch);
            nginx_wall = Some(sample.wall);
            rows.push((s("nginx -t"), sample));
            if tls {
                let tdir = scratch.join(format!("n{n}-tls"));
                let _ = std::fs::remove_dir_all(&tdir);
                let ssl = tdir.join("etc/nginx/ssl");
                let _ = std::fs::create_dir_all(&ssl);
                let made = Command::new("openssl")
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
                    .is_ok_and(|s| s.success());
                if made
                    && generate(
                        &tdir,
                        &TreeSpec {
                            sites: n,
                            tls: true,
                        },
                    )
                    .is_ok()
                {
                    let td = tdir.display().to_string();
                    let cmd = [
                        s("nginx"),
                        s("-t"),
                        s("-q"),
                        s("-p"),
                        td.clone(),
                        s("-c"),
                        format!("{td}/etc/nginx/nginx.conf"),
                        s("-g"),
                        format!("pid {td}/run/nginx.pid; error_log {td}/log/nginx-error.log;"),
                    ];
                    rows.push((
                        s("nginx -t (with TLS servers)"),
                        run(&cmd, nginx_runs, has_time, &scratch),
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
                run(&cmd, nginx_runs, has_time, &scratch),
            ));
        }
        let mut cat = vec![s("cat")];
        cat.extend(all.iter().map(|p| p.display().to_string()));
        rows.push((s("cat (I/O floor)"), run(&cat, runs, has_time, &scratch)));
        for (tool, sample) in rows {
            let ratio = nginx_wall.map_or("-".to_string(), |nw| {
                if tool.starts_with("nginx-fpm-lint") {
                    format!("{:.1}× faster", nw / sample.wall)
                } else {
                    format!("{:.2}", sample.wall / nw)
                }
            });
            println!(
                "| {n} | {:.1} MB | {tool} | {:.3} s | {} | {} | {ratio} |",
                nginx_bytes as f64 / 1e6,
                sample.wall,
                sample.cpu.map_or("-".to_string(), |c| format!("{c:.3} s")),
                sample
                    .rss_kib
                    .map_or("-".to_string(), |k| format!("{:.0} MiB", k as f64 / 1024.0)),
            );
        }
    }
    if let (Some((n1, t1)), Some((n2, t2))) = (
        ours_by_size.iter().find(|(n, _)| *n == 1000),
        ours_by_size.iter().find(|(n, _)| *n == 5000),
    ) {
        println!(
            "\nscaling: nginx-fpm-lint {n1} → {n2} sites: {:.2}× the time for {}× the sites",
            t2 / t1,
            n2 / n1
        );
    }
    // Single-threaded parse throughput over the largest tree's nginx files.
    if let Some(&n) = sizes.iter().max() {
        let dir = scratch.join(format!("n{n}"));
        let texts: Vec<Arc<[u8]>> = files(&dir.join("etc/nginx"))
            .iter()
            .filter_map(|p| std::fs::read(p).ok())
            .map(Arc::from)
            .collect();
        let bytes: usize = texts.iter().map(|t| t.len()).sum();
        let mut best = f64::MAX;
        for _ in 0..5 {
            let start = Instant::now();
            let mut directives = 0usize;
            for (i, t) in texts.iter().enumerate() {
                let (file, _) =
                    nginx_conf_parser::parse_file(lint_source::FileId(i as u32), Arc::clone(t));
                directives += file.directives.len();
            }
            std::hint::black_box(directives);
            best = best.min(start.elapsed().as_secs_f64());
        }
        println!(
            "parse throughput (one thread, {n} sites, {:.1} MB of nginx files): {:.0} MB/s",
            bytes as f64 / 1e6,
            bytes as f64 / 1e6 / best
        );
    }
    let _ = std::fs::remove_dir_all(&scratch);
}
