//! Live "two containers" proof of the cross-container rules X019, X021, X022 and X023 (and
//! X020's good layouts): each repository fixture is materialized (`deployments
//! --materialize`), php-fpm8.2 runs in one network namespace and nginx in another, joined
//! by a veth pair with addresses of our own (10.254.<k>.0/30, which exist only inside
//! these namespaces), each in its own mount namespace over its own copy of the container's
//! files (see test-support's sandbox: `/run` and `/tmp` private; the volumes both
//! containers mount, `shared_dirs`, are one host directory bind-mounted into both). The
//! deployment's host names resolve as Compose's DNS would: php-fpm's names to php's
//! address. A layout where nginx and php-fpm share the network (`shared_loopback`: a
//! pod, `network_mode: service:`) runs both in one network namespace.
//!
//! Then curl, inside nginx's namespace, asks nginx for /index.php: a bad layout must
//! answer the status the rule's doc claims and nginx's error log must hold the
//! `failed (...)` fragment the doc names; a good layout answers 200.
//!
//! Why our own /etc/hosts layer rather than /etc/netns/<ns>/hosts: the program runs
//! chrooted into an overlay whose /etc comes from the layers (a bind mount on this
//! machine's /etc/hosts would not be seen there), and nothing is written under /etc.
//!
//! Namespaces, veths and processes are removed when the guards drop, also on failure;
//! every wait is bounded. Skips with a reason when not root or `ip netns` is missing,
//! except in CI.

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use assert_cmd::Command as BinCommand;

use test_support::sandbox::{self, Container};

/// The layouts run: (rule, case). Bad ones carry the rule's claim; good ones must answer 200.
const LAYOUTS: &[(&str, &str)] = &[
    ("X019", "bad"),
    ("X019", "bad-localhost"),
    ("X019", "good"),
    ("X019", "good-same-pod"),
    ("X019", "good-shared-network"),
    ("X020", "good"),
    ("X020", "good-alias"),
    ("X021", "bad"),
    ("X021", "bad-pool-moved"),
    ("X021", "good"),
    ("X022", "bad"),
    ("X022", "bad-socket-over-network"),
    ("X022", "good"),
    ("X023", "bad"),
    ("X023", "good"),
    ("X023", "good-other-path"),
    ("X025", "bad"),
    ("X025", "bad-other-path"),
    ("X025", "good"),
    ("X025", "good-parent-mounted"),
    ("X026", "bad"),
    ("X026", "bad-other-path"),
    ("X026", "good"),
];

/// Good layouts that do not answer 200, with the status they answer and why.
const GOOD_EXCEPTIONS: &[(&str, &str, u16, &str)] = &[];

fn ip(args: &[&str]) -> Result<(), String> {
    let out = Command::new("ip")
        .args(args)
        .output()
        .map_err(|e| format!("ip {args:?}: {e}"))?;
    if out.status.success() {
        Ok(())
    } else {
        Err(format!(
            "ip {args:?}: {}",
            String::from_utf8_lossy(&out.stderr).trim()
        ))
    }
}

/// The network namespaces (and through them the veth pair) of one run; deleting a
/// namespace deletes the veth end inside it, and with it its peer.
struct Net {
    names: Vec<String>,
}

impl Net {
    /// `nfl-web-<pid>-<k>` and, unless nginx and php-fpm share the network,
    /// `nfl-php-<pid>-<k>` joined by a veth pair 10.254.<k>.1/30 ↔ 10.254.<k>.2/30.
    fn new(k: usize, shared_loopback: bool) -> Result<Net, String> {
        let pid = std::process::id();
        let web = format!("nfl-web-{pid}-{k}");
        let php = format!("nfl-php-{pid}-{k}");
        let mut net = Net {
            names: vec![web.clone()],
        };
        ip(&["netns", "add", &web])?;
        ip(&["-n", &web, "link", "set", "lo", "up"])?;
        if shared_loopback {
            return Ok(net);
        }
        net.names.push(php.clone());
        ip(&["netns", "add", &php])?;
        ip(&["-n", &php, "link", "set", "lo", "up"])?;
        // Interface names have at most 15 bytes.
        let vw = format!("nw{}x{k}", pid % 100_000);
        let vp = format!("np{}x{k}", pid % 100_000);
        ip(&[
            "link", "add", &vw, "netns", &web, "type", "veth", "peer", "name", &vp, "netns", &php,
        ])?;
        for (ns, dev, addr) in [(&web, &vw, 1), (&php, &vp, 2)] {
            ip(&[
                "-n",
                ns,
                "addr",
                "add",
                &format!("10.254.{k}.{addr}/30"),
                "dev",
                dev,
            ])?;
            ip(&["-n", ns, "link", "set", dev, "up"])?;
        }
        Ok(net)
    }

    fn web(&self) -> &str {
        &self.names[0]
    }

    fn php(&self) -> &str {
        self.names.last().map(String::as_str).unwrap_or_default()
    }
}

impl Drop for Net {
    fn drop(&mut self) {
        for ns in &self.names {
            // Whatever still runs in our namespace was started by this test.
            let pids = Command::new("ip")
                .args(["netns", "pids", ns])
                .output()
                .map(|o| String::from_utf8_lossy(&o.stdout).into_owned())
                .unwrap_or_default();
            for pid in pids.split_whitespace() {
                let _ = Command::new("kill").args(["-KILL", pid]).status();
            }
            let _ = ip(&["netns", "del", ns]);
        }
    }
}

/// Kills the server by pid (SIGTERM, then SIGKILL) when dropped.
struct Server(Child);

impl Drop for Server {
    fn drop(&mut self) {
        let pid = self.0.id().to_string();
        let _ = Command::new("kill").args(["-TERM", &pid]).status();
        let deadline = Instant::now() + Duration::from_secs(5);
        while Instant::now() < deadline {
            if let Ok(Some(_)) = self.0.try_wait() {
                return;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// Waits (at most 5 s) until `log` contains `needle` or the server exits.
fn wait_for(server: &mut Server, log: &Path, needle: &str) -> bool {
    let deadline = Instant::now() + Duration::from_secs(5);
    while Instant::now() < deadline {
        if std::fs::read_to_string(log).is_ok_and(|t| t.contains(needle)) {
            return true;
        }
        if let Ok(Some(_)) = server.0.try_wait() {
            return false;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    false
}

/// The claim of a rule's doc: the status of its Symptom and the `failed (...)` fragment
/// of nginx's error log it quotes.
fn claim(code: &str) -> (u16, Option<String>) {
    let out = BinCommand::cargo_bin("nginx-fpm-lint")
        .expect("binary")
        .args(["rule", code])
        .output()
        .expect("rule doc");
    let doc = String::from_utf8_lossy(&out.stdout).into_owned();
    let symptom = doc
        .split("**Symptom**:")
        .nth(1)
        .unwrap_or_else(|| panic!("{code}: no Symptom in its doc"));
    let status = symptom
        .split_whitespace()
        .next()
        .and_then(|w| w.parse().ok())
        .unwrap_or_else(|| panic!("{code}: the Symptom names no status"));
    // The log line the doc quotes: a failed connect's errno, or php-fpm's own word.
    let fragment = symptom
        .split("failed (")
        .nth(1)
        .and_then(|t| t.split(')').next())
        .map(str::to_string)
        .or_else(|| {
            symptom
                .contains("Primary script unknown")
                .then(|| "Primary script unknown".to_string())
        });
    (status, fragment)
}

struct Outcome {
    status: String,
    nginx_log: String,
    fpm_log: String,
}

/// Copies a directory's contents (`cp -a`, links kept as they are).
fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).expect("mkdir");
    if from.is_dir() {
        let ok = Command::new("cp")
            .arg("-a")
            .arg(format!("{}/.", from.display()))
            .arg(to)
            .status()
            .is_ok_and(|s| s.success());
        assert!(ok, "cp -a {} {}", from.display(), to.display());
    }
}

fn run_layout(k: usize, layout: &Path) -> Result<Outcome, String> {
    let tmp = tempfile::Builder::new()
        .prefix("nfl-containers")
        .tempdir()
        .map_err(|e| e.to_string())?;
    let dir = tmp.path();
    let out_dir = dir.join("out");
    let m = BinCommand::cargo_bin("nginx-fpm-lint")
        .expect("binary")
        .current_dir(layout)
        .args(["deployments", ".", "--materialize"])
        .arg(&out_dir)
        .output()
        .map_err(|e| e.to_string())?;
    if !m.status.success() {
        return Err(format!(
            "--materialize: {}",
            String::from_utf8_lossy(&m.stderr)
        ));
    }
    let d = sandbox::deployments(&out_dir)
        .into_iter()
        .next()
        .ok_or("no deployment")?;
    let nginx_main = d.nginx_main.clone().ok_or("no nginx")?;
    let fpm_main = d.fpm_main.clone().ok_or("no php-fpm")?;

    // Compose's DNS: php-fpm's names lead to php's address, the others to nginx's.
    let (php_addr, web_addr) = if d.shared_loopback {
        ("127.0.0.1".to_string(), "127.0.0.1".to_string())
    } else {
        (format!("10.254.{k}.2"), format!("10.254.{k}.1"))
    };
    let extra = dir.join("extra");
    sandbox::extra_layer(
        &extra,
        &[
            (php_addr, d.fpm_names.clone()),
            (web_addr, d.other_names.clone()),
        ],
        &sandbox::image_users(&d),
    );

    // The volumes both containers mount: one host directory, seeded from nginx's copy.
    let mut nginx_shared = Vec::new();
    let mut fpm_shared = Vec::new();
    for (i, (at_nginx, at_fpm)) in d.shared_dirs.iter().enumerate() {
        let host: PathBuf = dir.join(format!("shared-{i}"));
        copy_dir(
            &d.dir.join("nginx").join(at_nginx.trim_start_matches('/')),
            &host,
        );
        nginx_shared.push((host.clone(), at_nginx.clone()));
        fpm_shared.push((host, at_fpm.clone()));
    }

    let net = Net::new(k, d.shared_loopback)?;

    let fpm_tree = d.dir.join("php-fpm");
    let fpm_work = dir.join("fpm-mnt");
    std::fs::create_dir_all(&fpm_work).map_err(|e| e.to_string())?;
    let fpm = Container {
        tree: &fpm_tree,
        extra: &extra,
        work: &fpm_work,
        exact: vec![sandbox::parent(&fpm_main)],
        // Debian's packages make /run/php; here it lets the pool of a socket layout start
        // in its own container, so that only the sharing is under test.
        mkdirs: vec!["/run/php".into()],
        shared: fpm_shared,
        userspec: None,
    };
    let fpm_log = dir.join("php-fpm.log");
    let mut fpm_args = vec!["php-fpm8.2", "-F", "--fpm-config", fpm_main.as_str()];
    if let Some(prefix) = sandbox::fpm_prefix(&fpm_main) {
        fpm_args.extend(["--prefix", prefix]);
    }
    let log_file = |p: &Path| std::fs::File::create(p).map_err(|e| e.to_string());
    let mut fpm_server = fpm
        .command(Some(net.php()), &fpm_args)
        .stdout(log_file(&fpm_log)?)
        .stderr(log_file(&fpm_log)?)
        .spawn()
        .map(Server)
        .map_err(|e| e.to_string())?;
    if !wait_for(&mut fpm_server, &fpm_log, "ready to handle connections") {
        return Err(format!(
            "php-fpm did not start: {}",
            std::fs::read_to_string(&fpm_log).unwrap_or_default()
        ));
    }

    let nginx_tree = d.dir.join("nginx");
    let nginx_work = dir.join("nginx-mnt");
    std::fs::create_dir_all(&nginx_work).map_err(|e| e.to_string())?;
    let nginx = Container {
        tree: &nginx_tree,
        extra: &extra,
        work: &nginx_work,
        exact: vec![sandbox::parent(&nginx_main)],
        mkdirs: Vec::new(),
        shared: nginx_shared,
        userspec: None,
    };
    let nginx_log = dir.join("nginx.log");
    // The error log also goes to stderr: the container's own log file lives in its
    // namespace's tmpfs, which this process cannot see.
    let mut nginx_server = nginx
        .command(
            Some(net.web()),
            &[
                "nginx",
                "-c",
                &nginx_main,
                "-g",
                "daemon off; error_log stderr notice;",
            ],
        )
        .stdout(log_file(&nginx_log)?)
        .stderr(log_file(&nginx_log)?)
        .spawn()
        .map(Server)
        .map_err(|e| e.to_string())?;
    if !wait_for(&mut nginx_server, &nginx_log, "start worker process") {
        return Err(format!(
            "nginx did not start: {}",
            std::fs::read_to_string(&nginx_log).unwrap_or_default()
        ));
    }
    let curl = Command::new("ip")
        .args(["netns", "exec", net.web()])
        .args([
            "curl",
            "-s",
            "-o",
            "/dev/null",
            "-w",
            "%{http_code}",
            "--max-time",
            "10",
            "-H",
            "Host: app.test",
            "http://127.0.0.1:80/index.php",
        ])
        .stdin(Stdio::null())
        .output()
        .map_err(|e| e.to_string())?;
    let status = String::from_utf8_lossy(&curl.stdout).trim().to_string();
    // Stop the servers before reading their logs, then the namespaces go.
    drop(nginx_server);
    drop(fpm_server);
    drop(net);
    Ok(Outcome {
        status,
        nginx_log: std::fs::read_to_string(&nginx_log).unwrap_or_default(),
        fpm_log: std::fs::read_to_string(&fpm_log).unwrap_or_default(),
    })
}

fn unavailable() -> Option<String> {
    let ok = Command::new("ip")
        .args(["netns", "list"])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success());
    let curl = Command::new("curl")
        .arg("--version")
        .stdout(Stdio::null())
        .status()
        .is_ok_and(|s| s.success());
    if !ok {
        Some("`ip netns` is not available".into())
    } else if !curl {
        Some("curl is not installed".into())
    } else {
        None
    }
}

#[test]
fn cross_container_claims_hold_between_two_network_namespaces() {
    if !sandbox::available_or_skip("the two-containers live suite", unavailable()) {
        return;
    }
    let rules = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/rules");
    let mut failures = Vec::new();
    for (k, (code, case)) in LAYOUTS.iter().enumerate() {
        let name = format!("{code}/{case}");
        let (want, fragment) = if case.starts_with("bad") {
            claim(code)
        } else {
            let status = GOOD_EXCEPTIONS
                .iter()
                .find(|(c, l, _, _)| c == code && l == case)
                .map_or(200, |e| e.2);
            (status, None)
        };
        match run_layout(k + 1, &rules.join(code).join(case)) {
            Ok(o) => {
                let status_ok = o.status == want.to_string();
                // A good layout reaches php-fpm: no connect() failure at all.
                let log_ok = match &fragment {
                    Some(f) => o.nginx_log.contains(f.as_str()),
                    // A claim without a log line (nginx answers by itself): the status says it.
                    None if case.starts_with("bad") => true,
                    None => !o.nginx_log.contains("while connecting to upstream"),
                };
                println!(
                    "live-containers {name:<30} -> {} (claimed {want}){}",
                    o.status,
                    fragment
                        .as_ref()
                        .map(|f| format!(", log {} \"{f}\"", if log_ok { "has" } else { "LACKS" }))
                        .unwrap_or_default()
                );
                if !status_ok || !log_ok {
                    failures.push(format!(
                        "{name}: got {} (want {want}, log fragment {fragment:?})\nnginx:\n{}\nphp-fpm:\n{}",
                        o.status, o.nginx_log, o.fpm_log
                    ));
                }
            }
            Err(e) => failures.push(format!("{name}: {e}")),
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n---\n"));
}
