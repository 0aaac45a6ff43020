//! `shapes [--sizes N,M] [--runs R]`: the linter on configurations of unusual shape, each
//! at two sizes, to show that its cost grows with the input and no faster.
//!
//! The site trees of `bench` grow by adding sites; a quadratic rule hides there as long
//! as each site is small. Real configurations also grow inside one block (a server of
//! thousands of redirect locations, a map of thousands of entries), in one file (a Compose
//! file of hundreds of services, a manifest of hundreds of documents) or in one
//! repository (hundreds of example folders). Each shape here is one such growth; the
//! table gives the time at both sizes and the ratio. For 4× the input a linear cost is
//! about 4× (start-up makes small sizes look better); past 6× the shape is flagged.
//! Session 13 found five quadratic paths this way (docs/performance.md). With
//! `/usr/bin/time` the peak RSS of each size is given too, and a peak that grows faster
//! than the input is flagged like a time (session 33 added the two shapes whose memory
//! was measured: `server-name-line`, `regex-map`).
#![forbid(unsafe_code)]

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode, Stdio};
use std::time::{Duration, Instant};

/// The files of a tree (path relative to it, text) and the linter's arguments.
type Tree = (Vec<(String, String)>, Vec<&'static str>);

/// One shape: its files at size `n`.
struct Shape {
    name: &'static str,
    what: &'static str,
    make: fn(usize) -> Tree,
}

const HTTP: &str = "events {}\nhttp {\n";

fn nginx(body: String) -> Tree {
    (
        vec![("nginx.conf".into(), format!("{HTTP}{body}}}\n"))],
        vec!["--nginx", "nginx.conf"],
    )
}

fn server(body: String) -> Tree {
    nginx(format!(
        "  server {{\n    listen 80;\n    root /srv;\n{body}  }}\n"
    ))
}

const SHAPES: &[Shape] = &[
    Shape {
        name: "locations",
        what: "one server, 2n locations (prefix with a try_files fallback, PHP regex)",
        make: |n| {
            server((0..n).fold(String::new(), |mut s, i| {
                let _ = write!(s, "    location /p{i}/ {{ try_files $uri /index.php?$args; }}\n    location ~ ^/r{i}/.*\\.php$ {{ include fastcgi_params; fastcgi_pass unix:/run/php/a.sock; }}\n");
                s
            }))
        },
    },
    Shape {
        name: "error-pages",
        what: "one server, n locations with their own error_page URIs",
        make: |n| {
            server((0..n).fold(String::new(), |mut s, i| {
                let _ = writeln!(s, "    location /e{i}/ {{ error_page 404 /e{i}/404.html; error_page 500 502 /e{i}/50x.html; proxy_intercept_errors on; proxy_pass http://127.0.0.1:8080; }}");
                s
            }))
        },
    },
    Shape {
        name: "redirects",
        what: "one server, 2n exact locations that redirect",
        make: |n| {
            server((0..2 * n).fold(String::new(), |mut s, i| {
                let _ = writeln!(s, "    location = /old-{i} {{ return 301 /new-{i}; }}");
                s
            }))
        },
    },
    Shape {
        name: "unknown-variables",
        what: "n `set`s and n misspelt variables",
        make: |n| {
            let mut body = String::from("    location / {\n");
            for i in 0..n {
                let _ = writeln!(
                    body,
                    "      set $var{i} 1;\n      add_header X{i} $var{i}x;"
                );
            }
            server(body + "    }\n")
        },
    },
    Shape {
        name: "map",
        what: "a map of 2n entries, half of them regexes with named groups",
        make: |n| {
            let entries = (0..n).fold(String::new(), |mut s, i| {
                let _ = writeln!(s, "    /old/{i} /new/{i};\n    ~^/re{i}/(?<x>.*)$ /n/$x;");
                s
            });
            nginx(format!("  map $uri $new {{\n    default \"\";\n{entries}  }}\n  server {{\n    listen 80;\n    if ($new) {{ return 301 $new; }}\n  }}\n"))
        },
    },
    Shape {
        name: "regex-map",
        what: "a map of 10n regex keys with a named capture each, read by one server",
        make: |n| {
            let entries = (0..10 * n).fold(String::new(), |mut s, i| {
                let _ = writeln!(s, "    ~^/re{i}/(?<x>.*)$ /n/$x;");
                s
            });
            nginx(format!("  map $uri $new {{\n    default \"\";\n{entries}  }}\n  server {{\n    listen 80;\n    root /srv;\n    if ($new) {{ return 301 $new; }}\n  }}\n"))
        },
    },
    Shape {
        name: "geo",
        what: "a geo block of 10n addresses",
        make: |n| {
            let entries = (0..10 * n).fold(String::new(), |mut s, i| {
                let _ = writeln!(
                    s,
                    "    10.{}.{}.{}/32 1;",
                    i / 65536 % 256,
                    i / 256 % 256,
                    i % 256
                );
                s
            });
            nginx(format!("  geo $blocked {{\n    default 0;\n{entries}  }}\n  server {{ listen 80; if ($blocked) {{ return 403; }} }}\n"))
        },
    },
    Shape {
        name: "server-names",
        what: "one server of n names and n servers of regex and wildcard names",
        make: |n| {
            let names: Vec<String> = (0..n).map(|i| format!("h{i}.example.com")).collect();
            let mut body = format!(
                "  server {{\n    listen 80;\n    server_name {};\n  }}\n",
                names.join(" ")
            );
            for i in 0..n {
                let _ = writeln!(body, "  server {{\n    listen 80;\n    server_name ~^w{i}\\.(.+)$ *.d{i}.example.org;\n  }}");
            }
            nginx(body)
        },
    },
    Shape {
        name: "server-name-line",
        what: "one `server_name` line of 200n names",
        make: |n| {
            let names: Vec<String> = (0..200 * n).map(|i| format!("h{i}.example.com")).collect();
            server(format!("    server_name {};\n", names.join(" ")))
        },
    },
    Shape {
        name: "certificates-without-ssl",
        what: "4n servers of `listen 443;` and a certificate, none with `ssl`",
        make: |n| {
            nginx((0..4 * n).fold(String::new(), |mut s, i| {
                let _ = writeln!(s, "  server {{\n    listen 443;\n    server_name s{i}.example.com;\n    ssl_certificate /etc/ssl/s{i}.pem;\n    ssl_certificate_key /etc/ssl/s{i}.key;\n    return 200;\n  }}");
                s
            }))
        },
    },
    Shape {
        name: "upstreams",
        what: "n upstreams and n servers on their own ports",
        make: |n| {
            let mut body = String::new();
            for i in 0..n {
                let _ = writeln!(body, "  upstream u{i} {{ server 127.0.0.1:{}; server unix:/run/php/u{i}.sock backup; }}", 9000 + i % 1000);
                let _ = writeln!(body, "  server {{\n    listen {};\n    location ~ \\.php$ {{ include fastcgi_params; fastcgi_pass u{i}; }}\n  }}", 10000 + i);
            }
            nginx(body)
        },
    },
    Shape {
        name: "same-names",
        what: "n servers sharing one server_name and port",
        make: |n| {
            nginx((0..n).fold(String::new(), |mut s, i| {
                let _ = writeln!(s, "  server {{\n    listen 80;\n    server_name same.example.com www{}.example.com;\n    location / {{ return 200; }}\n  }}", i % 10);
                s
            }))
        },
    },
    Shape {
        name: "pools",
        what: "n pools in one php-fpm file",
        make: |n| {
            let pools = (0..n).fold(String::from("[global]\nerror_log = /tmp/fpm.log\n"), |mut s, i| {
                let _ = write!(s, "[p{i}]\nuser = www-data\ngroup = www-data\nlisten = /run/php/p{i}.sock\npm = dynamic\npm.max_children = 5\npm.start_servers = 2\npm.min_spare_servers = 1\npm.max_spare_servers = 3\nphp_admin_value[memory_limit] = 128M\n");
                s
            });
            (
                vec![("php-fpm.conf".into(), pools)],
                vec!["--fpm", "php-fpm.conf"],
            )
        },
    },
    Shape {
        name: "pool-keys",
        what: "one pool of 10n php_admin_value and env keys",
        make: |n| {
            let keys = (0..5 * n).fold(String::from("[global]\nerror_log = /tmp/fpm.log\n[www]\nuser = www-data\nlisten = 127.0.0.1:9000\npm = static\npm.max_children = 5\n"), |mut s, i| {
                let _ = write!(s, "php_admin_value[x{i}] = {i}\nenv[E{i}] = v{i}\n");
                s
            });
            (
                vec![("php-fpm.conf".into(), keys)],
                vec!["--fpm", "php-fpm.conf"],
            )
        },
    },
    Shape {
        name: "pretty-overrides",
        what: "one pool setting pm.max_children 2n times, rendered `--format pretty` (each finding points back at the first)",
        make: |n| {
            let keys = (0..2 * n).fold(String::from("[global]\nerror_log = /tmp/fpm.log\n[www]\nuser = www-data\nlisten = 127.0.0.1:9000\npm = static\n"), |mut s, i| {
                let _ = writeln!(s, "pm.max_children = {}", 5 + i % 7);
                s
            });
            (
                vec![("php-fpm.conf".into(), keys)],
                vec!["--fpm", "php-fpm.conf", "--format", "pretty"],
            )
        },
    },
    Shape {
        name: "prefix-denies",
        what: "one server, 2n prefix locations that deny all",
        make: |n| {
            server((0..2 * n).fold(String::new(), |mut s, i| {
                let _ = writeln!(s, "    location /p{i}/ {{ deny all; }}");
                s
            }))
        },
    },
    Shape {
        name: "diff-many-fixes",
        what: "n servers in one file, each with fixable findings, shown with `--diff`",
        make: |n| {
            let (files, mut args) = nginx((0..n).fold(String::from("  server_names_hash_bucket_size 128;\n  server_names_hash_max_size 100000;\n"), |mut s, i| {
                let _ = writeln!(s, "  server {{\n    listen 8080;\n    server_name s{i}.example.com;\n    root /var/www/s{i};\n    index index.php;\n    location / {{ try_files $uri $uri/ index.php; allow 10.0.0.{}; }}\n    location /b/ {{ try_files $uri /index.php$query_string; }}\n  }}", i % 250);
                s
            }));
            args.push("--diff");
            (files, args)
        },
    },
    Shape {
        name: "compose-sites",
        what: "a repository: one Compose file of n nginx and n php-fpm services",
        make: |n| {
            let mut files = Vec::new();
            let mut compose = String::from("services:\n");
            for i in 0..n {
                let _ = write!(compose, "  web{i}:\n    image: nginx:1.25-alpine\n    volumes: [\"./conf/site{i}.conf:/etc/nginx/conf.d/default.conf:ro\"]\n  php{i}:\n    image: php:8.2-fpm\n    volumes: [\"./fpm/www{i}.conf:/usr/local/etc/php-fpm.d/www.conf:ro\"]\n");
                files.push((format!("conf/site{i}.conf"), format!("server {{\n  listen 80;\n  location ~ \\.php$ {{\n    include fastcgi_params;\n    fastcgi_pass php{i}:9000;\n  }}\n}}\n")));
                files.push((
                    format!("fpm/www{i}.conf"),
                    "[www]\nuser = www-data\nlisten = 9000\npm = static\npm.max_children = 4\n"
                        .to_string(),
                ));
            }
            files.push(("compose.yaml".into(), compose));
            (files, vec!["."])
        },
    },
    Shape {
        name: "example-folders",
        what: "a repository of n example folders, each a Compose project and a Kubernetes manifest",
        make: |n| {
            let mut files = Vec::new();
            for i in 0..n {
                let d = format!("examples/app{i}");
                files.push((format!("{d}/docker-compose.yml"), "services:\n  web:\n    image: nginx:1.25-alpine\n    volumes: [\"./default.conf:/etc/nginx/conf.d/default.conf:ro\"]\n  php:\n    image: php:8.2-fpm\n".to_string()));
                files.push((format!("{d}/default.conf"), "server {\n  listen 80;\n  root /var/www/html;\n  location ~ \\.php$ {\n    include fastcgi_params;\n    fastcgi_pass php:9000;\n  }\n}\n".to_string()));
                files.push((format!("{d}/k8s.yaml"), format!("apiVersion: v1\nkind: Pod\nmetadata: {{name: app{i}}}\nspec:\n  containers:\n    - name: nginx\n      image: nginx:1.25\n    - name: php\n      image: php:8.2-fpm\n")));
            }
            (files, vec!["."])
        },
    },
    Shape {
        name: "regex-apps",
        what: "one server, n regex app folders falling back to their own index.php and n per-app PHP regex locations",
        make: |n| {
            let mut body = String::from("    index index.php;\n");
            for i in 0..n {
                let _ = writeln!(body, "    location ~ ^/s{i}/ {{ try_files $uri $uri/ /s{i}/index.php?$args; }}");
            }
            for i in 0..n {
                let _ = writeln!(body, "    location ~ ^/p{i}/.+\\.php$ {{ include fastcgi_params; fastcgi_pass 127.0.0.1:9000; }}");
            }
            server(body)
        },
    },
    Shape {
        name: "include-fanout",
        what: "one server, 4n PHP regex locations each including one snippet that passes to php-fpm",
        make: |n| {
            let (mut files, args) = server((0..4 * n).fold(String::new(), |mut s, i| {
                let _ = writeln!(s, "    location ~ ^/r{i}/.*\\.php$ {{ include snip.conf; }}");
                s
            }));
            files.push(("snip.conf".into(), "include fastcgi_params;\nfastcgi_param SCRIPT_FILENAME $document_root$fastcgi_script_name;\nfastcgi_pass 127.0.0.1:9000;\n".into()));
            (files, args)
        },
    },
    Shape {
        name: "compose-anchors",
        what: "a repository: one Compose file of n nginx services merging one anchor, no php-fpm",
        make: |n| {
            let mut compose = String::from("x-common: &common\n  restart: always\n  volumes:\n    - ./default.conf:/etc/nginx/conf.d/default.conf:ro\nservices:\n");
            for i in 0..n {
                let _ = write!(compose, "  web{i}:\n    <<: *common\n    image: nginx:1.25\n");
            }
            (
                vec![
                    ("compose.yaml".into(), compose),
                    ("default.conf".into(), "server {\n  listen 80;\n  location ~ \\.php$ { include fastcgi_params; fastcgi_pass php:9000; }\n}\n".into()),
                ],
                vec!["."],
            )
        },
    },
    Shape {
        name: "k8s-pairs",
        what: "a repository: one Kubernetes manifest of n ConfigMap + Deployment + Service triples (a site in each ConfigMap, mounted beside a php-fpm container)",
        make: |n| {
            let mut manifest = String::new();
            for i in 0..n {
                let _ = write!(manifest, "---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: site{i}\ndata:\n  default.conf: |\n    server {{\n      listen 80;\n      server_name s{i}.example.com;\n      root /var/www/html;\n      location ~ \\.php$ {{\n        include fastcgi_params;\n        fastcgi_pass 127.0.0.1:9000;\n      }}\n    }}\n---\napiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: app{i}\nspec:\n  selector:\n    matchLabels: {{app: app{i}}}\n  template:\n    metadata:\n      labels: {{app: app{i}}}\n    spec:\n      containers:\n        - name: nginx\n          image: nginx:1.25\n          volumeMounts:\n            - name: conf\n              mountPath: /etc/nginx/conf.d\n        - name: php\n          image: php:8.2-fpm\n      volumes:\n        - name: conf\n          configMap:\n            name: site{i}\n---\napiVersion: v1\nkind: Service\nmetadata:\n  name: svc{i}\nspec:\n  selector: {{app: app{i}}}\n  ports:\n    - port: 80\n");
            }
            (vec![("k8s.yaml".into(), manifest)], vec!["."])
        },
    },
    Shape {
        name: "compose-bind-sites",
        what: "a repository: one nginx service bind-mounting n site files, one php-fpm service",
        make: |n| {
            let mut files = Vec::new();
            let mut compose =
                String::from("services:\n  web:\n    image: nginx:1.25-alpine\n    volumes:\n");
            for i in 0..n {
                let _ = writeln!(
                    compose,
                    "      - ./sites/site{i}.conf:/etc/nginx/conf.d/site{i}.conf:ro"
                );
                files.push((format!("sites/site{i}.conf"), format!("server {{\n  listen 80;\n  server_name s{i}.example.com;\n  root /var/www/html;\n  location ~ \\.php$ {{\n    include fastcgi_params;\n    fastcgi_pass php:9000;\n  }}\n}}\n")));
            }
            compose.push_str("  php:\n    image: php:8.2-fpm\n");
            files.push(("compose.yaml".into(), compose));
            (files, vec!["."])
        },
    },
    Shape {
        name: "nginx-dump",
        what: "`--nginx-dump` of an `nginx -T` of 4n site files, each including a file the dump lacks",
        make: |n| {
            let mut dump = String::from("# configuration file /etc/nginx/nginx.conf:\nevents {}\nhttp {\n  include /etc/nginx/sites/*.conf;\n}\n\n");
            for i in 0..4 * n {
                let _ = write!(dump, "# configuration file /etc/nginx/sites/s{i}.conf:\nserver {{\n  listen 80;\n  server_name s{i}.example.com;\n  root /var/www/s{i};\n  location ~ \\.php$ {{ include fastcgi_params; fastcgi_pass unix:/run/php/php-fpm.sock; }}\n}}\n\n");
            }
            (
                vec![("dump.txt".into(), dump)],
                vec!["--nginx-dump", "dump.txt"],
            )
        },
    },
];

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let value = |flag: &str| {
        args.iter()
            .position(|a| a == flag)
            .and_then(|i| args.get(i + 1))
    };
    let sizes: Vec<usize> = value("--sizes")
        .map(|s| s.split(',').filter_map(|x| x.parse().ok()).collect())
        .unwrap_or_else(|| vec![500, 2000]);
    let runs: usize = value("--runs").and_then(|r| r.parse().ok()).unwrap_or(3);
    let (Some(&small), Some(&large)) = (sizes.first(), sizes.last()) else {
        eprintln!("usage: shapes [--sizes N,M] [--runs R]");
        return ExitCode::from(2);
    };
    let exe = std::env::current_exe().ok();
    let linter = exe
        .as_deref()
        .and_then(Path::parent)
        .map(|d| d.join("nginx-fpm-lint"))
        .filter(|p| p.exists());
    let Some(linter) = linter else {
        eprintln!("shapes: nginx-fpm-lint not found beside this binary; run `cargo build --release -p nginx-fpm-lint -p nginx-fpm-lint-bench` first");
        return ExitCode::from(2);
    };
    let base = std::env::temp_dir().join(format!("nfl-shapes-{}", std::process::id()));
    let has_time = Path::new("/usr/bin/time").exists();
    println!(
        "| shape | what grows | n = {small} | n = {large} | ratio ({:.0}× the input) | peak RSS | RSS ratio | |",
        large as f64 / small as f64
    );
    println!("|---|---|---:|---:|---:|---:|---:|---|");
    let mut flagged = 0;
    for shape in SHAPES {
        let mut runs_at = Vec::new();
        for &n in &[small, large] {
            let dir = base.join(format!("{}-{n}", shape.name));
            let (files, lint_args) = (shape.make)(n);
            if let Err(e) = write_tree(&dir, &files) {
                eprintln!("shapes: {}: {e}", dir.display());
                return ExitCode::FAILURE;
            }
            runs_at.push(median_run(&linter, &dir, &lint_args, runs, has_time));
        }
        let (times, peaks): (Vec<Duration>, Vec<Option<u64>>) = runs_at.into_iter().unzip();
        let ratio = times[1].as_secs_f64() / times[0].as_secs_f64().max(1e-6);
        let limit = 1.5 * large as f64 / small as f64;
        // The peak includes the program's own few MiB, so a small size looks heavier:
        // the same limit as the time's.
        let rss_ratio = match (peaks[0], peaks[1]) {
            (Some(a), Some(b)) => Some(b as f64 / a.max(1) as f64),
            _ => None,
        };
        let verdict = if ratio > limit {
            flagged += 1;
            "**faster than linear**"
        } else if rss_ratio.is_some_and(|r| r > limit) {
            flagged += 1;
            "**memory faster than linear**"
        } else {
            "linear"
        };
        let mib =
            |p: Option<u64>| p.map_or("-".to_string(), |k| format!("{:.0}", k as f64 / 1024.0));
        println!(
            "| {} | {} | {:.3} s | {:.3} s | {ratio:.1}× | {} → {} MiB | {} | {verdict} |",
            shape.name,
            shape.what,
            times[0].as_secs_f64(),
            times[1].as_secs_f64(),
            mib(peaks[0]),
            mib(peaks[1]),
            rss_ratio.map_or("-".to_string(), |r| format!("{r:.1}×")),
        );
    }
    let _ = std::fs::remove_dir_all(&base);
    if flagged > 0 {
        eprintln!("shapes: {flagged} shape(s) grow faster than the input");
        return ExitCode::FAILURE;
    }
    ExitCode::SUCCESS
}

fn write_tree(dir: &Path, files: &[(String, String)]) -> std::io::Result<()> {
    let _ = std::fs::remove_dir_all(dir);
    for (rel, text) in files {
        let path: PathBuf = dir.join(rel);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent)?;
        }
        std::fs::write(path, text)?;
    }
    Ok(())
}

/// The median wall time of `runs` lints (output to a sink: the cost of rendering the
/// findings is part of it) and, with `/usr/bin/time`, the median peak RSS in KiB.
fn median_run(
    linter: &Path,
    dir: &Path,
    args: &[&str],
    runs: usize,
    has_time: bool,
) -> (Duration, Option<u64>) {
    let time_out = dir.with_extension("time");
    let mut peaks: Vec<u64> = Vec::new();
    let mut times: Vec<Duration> = (0..runs.max(1))
        .map(|_| {
            let mut command = if has_time {
                let mut c = Command::new("/usr/bin/time");
                c.arg("-f").arg("%M").arg("-o").arg(&time_out).arg(linter);
                c
            } else {
                Command::new(linter)
            };
            let start = Instant::now();
            let _ = command
                .current_dir(dir)
                .arg("--no-config")
                // JSON unless the shape measures another renderer.
                .args(if args.contains(&"--format") {
                    &[][..]
                } else {
                    &["--format", "json"][..]
                })
                .args(args)
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                .status();
            let elapsed = start.elapsed();
            if has_time {
                let peak = std::fs::read_to_string(&time_out)
                    .ok()
                    .and_then(|t| t.lines().last().and_then(|l| l.trim().parse::<u64>().ok()));
                peaks.extend(peak);
            }
            elapsed
        })
        .collect();
    times.sort();
    peaks.sort_unstable();
    (times[times.len() / 2], peaks.get(peaks.len() / 2).copied())
}
