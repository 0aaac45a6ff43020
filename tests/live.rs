//! Live proof: for every scenario under fixtures/live, start real php-fpm8.2
//! and nginx on 127.0.0.1 in a temp prefix, request a PHP page, and check
//! that the bad configuration gives the status the rule's doc claims while
//! its good look-alike gives 200 (or the `good_status` of the scenario, when
//! the fix itself answers an error page) — and that the linter flags the bad one with
//! the rule's code and not the good one. A claimed status of 0 means the port
//! answers without an HTTP/1 status line (binary HTTP/2 frames, or nothing: the
//! connection closed without an answer).
//!
//! Servers are stopped by pid when the guard drops, also on failure; every
//! wait and read is bounded. Skips with a reason when the binaries are missing
//! or we are not root, unless CI=true.

use std::io::{Read, Write};
use std::net::TcpStream;
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use assert_cmd::Command as BinCommand;

struct Scenario {
    name: String,
    code: String,
    status: u16,
    /// What the good look-alike answers (200 unless the scenario says otherwise).
    good_status: u16,
    /// Modes of the document root for the bad and the good run (`www_mode = 0700 0711`).
    www_mode: Option<(u32, u32)>,
    request: String,
    /// Requests sent at once (saturation scenarios); the bad run must see the claimed status
    /// among the answers, the good run only 200s.
    concurrent: usize,
    /// Text the bad answer's body holds and the good one's does not (`bad_body = <?php`:
    /// the script's source was sent rather than run), for claims a status cannot show.
    bad_body: Option<String>,
    /// A form body of this many bytes (`a=xxx...`) sent with `POST` (upload limits); a
    /// `GET` without.
    post_bytes: Option<usize>,
    /// A request sent (and its answer set aside) before the judged ones: what a worker
    /// keeps from one request for the next (`warmup = /a.php`).
    warmup: Option<String>,
    /// A symbolic link made in the prefix, its target differing between the bad and the
    /// good run (`symlink = varrun tmp run`: `varrun -> tmp`, then `varrun -> run`).
    symlink: Option<(String, String, String)>,
    /// A directory made in the prefix, owned by root, with this mode, for both runs
    /// (`mkdir = lib 0770`: a directory the workers cannot enter).
    mkdir: Option<(String, u32)>,
    dir: PathBuf,
}

/// Every directory under fixtures/live is a scenario; a malformed one fails the suite
/// (a claim that silently stops being tested is worse than none).
fn scenarios() -> Vec<Scenario> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/live");
    let mut out = Vec::new();
    let mut malformed = Vec::new();
    for e in std::fs::read_dir(&root)
        .expect("fixtures/live")
        .filter_map(Result::ok)
        .filter(|e| e.path().is_dir())
    {
        let name = e.file_name().to_string_lossy().into_owned();
        match scenario(&e.path(), &name) {
            Ok(s) => out.push(s),
            Err(why) => malformed.push(format!("fixtures/live/{name}: {why}")),
        }
    }
    assert!(
        malformed.is_empty(),
        "malformed live scenarios:\n{}",
        malformed.join("\n")
    );
    out.sort_by(|a, b| a.name.cmp(&b.name));
    // `LIVE_ONLY=name` runs the scenarios whose name contains it (while writing one).
    if let Ok(only) = std::env::var("LIVE_ONLY") {
        out.retain(|s| s.name.contains(&only));
    }
    out
}

fn scenario(dir: &Path, name: &str) -> Result<Scenario, String> {
    let text = std::fs::read_to_string(dir.join("scenario"))
        .map_err(|e| format!("no readable `scenario` file ({e})"))?;
    let get = |k: &str| {
        text.lines().find_map(|l| {
            l.strip_prefix(k)
                .map(|v| v.trim_start_matches([' ', '=']).trim().to_string())
        })
    };
    let need = |k: &str| get(k).ok_or_else(|| format!("no `{k}` line"));
    let number = |k: &str, v: String| {
        v.parse::<u16>()
            .map_err(|_| format!("`{k}` is not a number: {v}"))
    };
    let www_mode = match get("www_mode") {
        None => None,
        Some(m) => {
            let parsed = m.split_once(' ').and_then(|(bad, good)| {
                Some((
                    u32::from_str_radix(bad, 8).ok()?,
                    u32::from_str_radix(good.trim(), 8).ok()?,
                ))
            });
            Some(parsed.ok_or_else(|| format!("`www_mode` is not two octal modes: {m}"))?)
        }
    };
    for case in ["bad", "good"] {
        if !dir.join(case).is_dir() {
            return Err(format!("no {case}/ tree"));
        }
    }
    Ok(Scenario {
        name: name.to_string(),
        code: need("code")?,
        status: number("status", need("status")?)?,
        good_status: match get("good_status") {
            Some(v) => number("good_status", v)?,
            None => 200,
        },
        www_mode,
        request: need("request")?,
        concurrent: match get("concurrent") {
            Some(v) => usize::from(number("concurrent", v)?),
            None => 1,
        },
        bad_body: get("bad_body"),
        post_bytes: match get("post_bytes") {
            Some(v) => Some(
                v.parse::<usize>()
                    .ok()
                    .filter(|n| *n <= 64 << 20)
                    .ok_or_else(|| format!("`post_bytes` is not a size up to 64 MiB: {v}"))?,
            ),
            None => None,
        },
        warmup: get("warmup"),
        symlink: match get("symlink") {
            None => None,
            Some(v) => {
                let parts: Vec<&str> = v.split_whitespace().collect();
                let [link, bad, good] = parts[..] else {
                    return Err(format!("`symlink` is not a name and two targets: {v}"));
                };
                Some((link.to_string(), bad.to_string(), good.to_string()))
            }
        },
        mkdir: match get("mkdir") {
            None => None,
            Some(v) => {
                let parsed = v.split_once(' ').and_then(|(name, mode)| {
                    Some((name.to_string(), u32::from_str_radix(mode.trim(), 8).ok()?))
                });
                Some(
                    parsed
                        .ok_or_else(|| format!("`mkdir` is not a name and an octal mode: {v}"))?,
                )
            }
        },
        dir: dir.to_path_buf(),
    })
}

fn available() -> Result<(), String> {
    test_support::real_binaries(&["nginx", "php-fpm8.2"])
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

fn instantiate(src: &Path, dir: &Path, port: u16, fpm_port: u16) -> (PathBuf, PathBuf) {
    let fill = |name: &str| {
        let text = std::fs::read_to_string(src.join(name)).expect("template");
        let text = text
            .replace("@DIR@", &dir.display().to_string())
            .replace("@PORT@", &port.to_string())
            .replace("@FPMPORT@", &fpm_port.to_string());
        let path = dir.join(name);
        std::fs::write(&path, text).expect("write");
        path
    };
    (fill("nginx.conf"), fill("php-fpm.conf"))
}

fn prepare(dir: &Path) {
    for sub in ["run", "www", "tmp"] {
        std::fs::create_dir_all(dir.join(sub)).expect("mkdir");
    }
    std::fs::write(
        dir.join("www/index.php"),
        "<?php\nif (isset($_GET['big'])) { header('X-Big: ' . str_repeat('a', 8000)); }\nif (isset($_GET['sleep'])) { sleep((int) $_GET['sleep']); }\nif (isset($_GET['status'])) { http_response_code((int) $_GET['status']); }\nif (isset($_GET['body'])) { echo 'body=' . strlen(file_get_contents('php://input')) . \"\\n\"; }\nif (isset($_GET['post'])) { echo 'post=' . count($_POST) . \"\\n\"; }\nif (isset($_GET['uri'])) { echo 'uri=' . ($_SERVER['REQUEST_URI'] ?? '(none)') . \"\\n\"; }\necho \"ok\\n\";\n",
    )
    .expect("index.php");
    // nginx's workers and the pool run as www-data: they must traverse the prefix.
    let mut p = Some(dir);
    while let Some(d) = p {
        if d == Path::new("/") {
            break;
        }
        if let Ok(meta) = std::fs::metadata(d) {
            let mut perms = meta.permissions();
            perms.set_mode(perms.mode() | 0o755);
            let _ = std::fs::set_permissions(d, perms);
        }
        p = d.parent();
    }
    for sub in ["www", "tmp"] {
        let _ = std::fs::set_permissions(dir.join(sub), std::fs::Permissions::from_mode(0o777));
    }
    let _ = std::fs::set_permissions(
        dir.join("www/index.php"),
        std::fs::Permissions::from_mode(0o644),
    );
}

fn wait_port(port: u16) -> bool {
    let deadline = Instant::now() + Duration::from_secs(5);
    while Instant::now() < deadline {
        if TcpStream::connect(("127.0.0.1", port)).is_ok() {
            return true;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    false
}

/// One request: the status and the body.
/// A `GET`, or with `post_bytes` a `POST` of that many bytes; the status and body.
fn send(port: u16, path: &str, post_bytes: Option<usize>) -> Result<(u16, String), String> {
    let mut stream = TcpStream::connect(("127.0.0.1", port)).map_err(|e| e.to_string())?;
    stream
        .set_read_timeout(Some(Duration::from_secs(20)))
        .map_err(|e| e.to_string())?;
    stream
        .set_write_timeout(Some(Duration::from_secs(20)))
        .map_err(|e| e.to_string())?;
    match post_bytes {
        None => match write!(stream, "GET {path} HTTP/1.0\r\nHost: live.test\r\n\r\n") {
            Ok(()) => {}
            // Closed before the request was written: no answer at all (status 0 below).
            Err(e) if e.kind() == std::io::ErrorKind::ConnectionReset => {}
            Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => {}
            Err(e) => return Err(e.to_string()),
        },
        Some(n) => {
            write!(
                stream,
                "POST {path} HTTP/1.0\r\nHost: live.test\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: {n}\r\n\r\n"
            )
            .map_err(|e| e.to_string())?;
            // nginx may answer 413 and stop reading before the body is sent: the answer
            // is read whether or not all of it went out.
            // A form of one field (`a=xxx...`): PHP parses it into $_POST.
            let mut body = vec![b'x'; n];
            if n >= 2 {
                body[..2].copy_from_slice(b"a=");
            }
            let _ = stream.write_all(&body);
        }
    }
    let mut buf = Vec::new();
    match stream.take(64 * 1024).read_to_end(&mut buf) {
        Ok(_) => {}
        // Dropped without an answer: nginx resets a connection it closes with the request
        // still unread (`client_header_timeout 0`). Status 0 below.
        Err(e) if e.kind() == std::io::ErrorKind::ConnectionReset && buf.is_empty() => {}
        Err(e) => return Err(e.to_string()),
    }
    // Status 0: no HTTP/1 answer: the port sent something else (an HTTP/2-only port sends
    // binary frames) or closed the connection without a word (`client_header_timeout 0`).
    if !buf.starts_with(b"HTTP/") {
        return Ok((0, String::new()));
    }
    let text = String::from_utf8_lossy(&buf);
    let status = text
        .split_whitespace()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .ok_or_else(|| format!("no status line in {text:?}"))?;
    let body = text
        .split_once("\r\n\r\n")
        .map_or(String::new(), |(_, b)| b.to_string());
    Ok((status, body))
}

/// What one side of a scenario answered: each status, each body, and the error log
/// with the linter's findings.
type Answers = (Vec<u16>, Vec<String>, String);

fn run_one(s: &Scenario, kind: &str, port: u16, fpm_port: u16) -> Result<Answers, String> {
    run_scenario(s, kind, port, fpm_port, false)
}

/// Runs one side of a scenario; with `fixed`, `nginx-fpm-lint --fix --unsafe-fixes` edits
/// its instantiated files first.
fn run_scenario(
    s: &Scenario,
    kind: &str,
    port: u16,
    fpm_port: u16,
    fixed: bool,
) -> Result<Answers, String> {
    let tmp = tempfile::Builder::new()
        .prefix("nfl-live")
        .tempdir_in("/tmp")
        .map_err(|e| e.to_string())?;
    let dir = tmp.path();
    prepare(dir);
    if let Some((bad, good)) = s.www_mode {
        let mode = if kind == "bad" { bad } else { good };
        std::fs::set_permissions(dir.join("www"), std::fs::Permissions::from_mode(mode))
            .expect("chmod www");
    }
    if let Some((name, mode)) = &s.mkdir {
        std::fs::create_dir_all(dir.join(name)).expect("mkdir");
        std::fs::set_permissions(dir.join(name), std::fs::Permissions::from_mode(*mode))
            .expect("chmod");
    }
    if let Some((link, bad, good)) = &s.symlink {
        let target = if kind == "bad" { bad } else { good };
        std::os::unix::fs::symlink(target, dir.join(link)).expect("symlink");
    }
    let (nginx_conf, fpm_conf) = instantiate(&s.dir.join(kind), dir, port, fpm_port);
    if fixed {
        let out = lint_command(&nginx_conf, &fpm_conf)
            .args(["--fix", "--unsafe-fixes"])
            .output()
            .map_err(|e| e.to_string())?;
        if out.status.code() == Some(2) {
            return Err(format!(
                "--fix failed: {}",
                String::from_utf8_lossy(&out.stderr)
            ));
        }
    }
    let fpm = Command::new("php-fpm8.2")
        .args(["--nodaemonize", "--fpm-config"])
        .arg(&fpm_conf)
        .arg("--prefix")
        .arg(dir)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .map(Server)
        .map_err(|e| e.to_string())?;
    // Give the pool a moment to bind (or to fail, for configurations php-fpm refuses).
    let deadline = Instant::now() + Duration::from_secs(3);
    while Instant::now() < deadline
        && !dir.join("run/php-fpm.sock").exists()
        && TcpStream::connect(("127.0.0.1", fpm_port)).is_err()
    {
        std::thread::sleep(Duration::from_millis(50));
    }
    let nginx = Command::new("nginx")
        .arg("-p")
        .arg(dir)
        .arg("-c")
        .arg(&nginx_conf)
        .args(["-g", "daemon off;"])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .map(Server)
        .map_err(|e| e.to_string())?;
    if !wait_port(port) {
        return Err(format!(
            "nginx did not start: {}",
            std::fs::read_to_string(dir.join("nginx-error.log")).unwrap_or_default()
        ));
    }
    if let Some(path) = &s.warmup {
        // Its answer is not judged: only what it leaves behind in the worker.
        let _ = send(port, path, None);
    }
    let answers: Vec<Result<(u16, String), String>> = std::thread::scope(|scope| {
        let handles: Vec<_> = (0..s.concurrent)
            .map(|i| {
                let request = s.request.clone();
                let post_bytes = s.post_bytes;
                scope.spawn(move || {
                    // Stagger slightly so that the first request occupies the worker first.
                    std::thread::sleep(Duration::from_millis(if i == 0 { 0 } else { 200 }));
                    send(port, &request, post_bytes)
                })
            })
            .collect();
        handles
            .into_iter()
            .map(|h| {
                h.join()
                    .unwrap_or_else(|_| Err("client thread panicked".into()))
            })
            .collect()
    });
    // Under saturation a connection may also be dropped without an answer: the bad run is
    // judged on the answers it got; a single request must answer.
    let status: Result<Vec<(u16, String)>, String> = if s.concurrent > 1 && kind == "bad" {
        let got: Vec<(u16, String)> = answers
            .iter()
            .filter_map(|a| a.as_ref().ok().cloned())
            .collect();
        if got.is_empty() {
            Err(format!("no answer at all: {answers:?}"))
        } else {
            Ok(got)
        }
    } else {
        answers.into_iter().collect()
    };
    drop(nginx);
    drop(fpm);
    let log = std::fs::read_to_string(dir.join("nginx-error.log")).unwrap_or_default();
    let lint = lint_output(&nginx_conf, &fpm_conf);
    status.map(|answers| {
        let (statuses, bodies) = answers.into_iter().unzip();
        (statuses, bodies, format!("{log}\n{lint}"))
    })
}

fn lint_output(nginx: &Path, fpm: &Path) -> String {
    let out = lint_command(nginx, fpm)
        .args(["--format", "concise"])
        .output()
        .expect("lint runs");
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// The linter on a scenario's two files, as the live suite runs it.
fn lint_command(nginx: &Path, fpm: &Path) -> BinCommand {
    let mut cmd = BinCommand::cargo_bin("nginx-fpm-lint").expect("binary");
    // The nginx these scenarios run is Debian's 1.22; `--root /`: the scenario runs on
    // this machine, so its disk and accounts are the truth.
    cmd.args([
        "--no-config",
        "--nginx-version",
        "1.22",
        "--root",
        "/",
        "--nginx",
    ])
    .arg(nginx)
    .arg("--fpm")
    .arg(fpm);
    cmd
}

/// True when nginx and php-fpm can run here; otherwise says why and skips, except in
/// CI, where the live proofs must run.
/// The live tests run one at a time: scenarios share socket paths and PHP pools, and a
/// saturation scenario needs the machine to itself while it measures.
static ONE_AT_A_TIME: std::sync::Mutex<()> = std::sync::Mutex::new(());

fn one_at_a_time() -> std::sync::MutexGuard<'static, ()> {
    ONE_AT_A_TIME
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
}

fn live_tools_or_skip() -> bool {
    match available() {
        Ok(()) => true,
        Err(reason) if std::env::var("CI").is_ok_and(|v| v == "true") => {
            panic!("the live suite must run in CI: {reason}")
        }
        Err(reason) => {
            eprintln!("skipping the live suite: {reason}");
            false
        }
    }
}

#[test]
fn every_claimed_status_is_what_real_nginx_and_php_fpm_return() {
    let _alone = one_at_a_time();
    if !live_tools_or_skip() {
        return;
    }
    let mut failures = Vec::new();
    let all = scenarios();
    for (i, s) in all.iter().enumerate() {
        let port = 18_400 + (i as u16) * 4;
        let fpm_port = port + 1;
        let marker = format!(": {} [", s.code);
        let mut bad = run_one(s, "bad", port, fpm_port);
        // Saturation depends on timing: one bounded retry before calling the claim wrong.
        if s.concurrent > 1
            && bad
                .as_ref()
                .is_ok_and(|(statuses, _, _)| !statuses.contains(&s.status))
        {
            bad = run_one(s, "bad", port, fpm_port);
        }
        match bad {
            Ok((statuses, bodies, out)) => {
                if let Some(text) = &s.bad_body {
                    if !bodies.iter().any(|b| b.contains(text.as_str())) {
                        failures.push(format!(
                            "{} bad: no answer holds {text:?}: {bodies:?}\n{out}",
                            s.name
                        ));
                    }
                }
                if !statuses.contains(&s.status) {
                    failures.push(format!(
                        "{} bad: expected {}, got {statuses:?}\n{out}",
                        s.name, s.status
                    ));
                }
                if !out.contains(&marker) {
                    failures.push(format!(
                        "{} bad: the linter does not report {}\n{out}",
                        s.name, s.code
                    ));
                }
                println!(
                    "live {:<24} bad  -> {statuses:?} (claimed {}), {} {}",
                    s.name,
                    s.status,
                    s.code,
                    if out.contains(&marker) {
                        "reported"
                    } else {
                        "NOT reported"
                    }
                );
            }
            Err(e) => failures.push(format!("{} bad: {e}", s.name)),
        }
        match run_one(s, "good", port + 2, fpm_port + 2) {
            Ok((statuses, bodies, out)) => {
                if let Some(text) = &s.bad_body {
                    if bodies.iter().any(|b| b.contains(text.as_str())) {
                        failures.push(format!(
                            "{} good: an answer holds {text:?}: {bodies:?}\n{out}",
                            s.name
                        ));
                    }
                }
                if statuses.iter().any(|st| *st != s.good_status) {
                    failures.push(format!(
                        "{} good: expected {}, got {statuses:?}\n{out}",
                        s.name, s.good_status
                    ));
                }
                if out.contains(&marker) {
                    failures.push(format!(
                        "{} good: the linter reports {}\n{out}",
                        s.name, s.code
                    ));
                }
                println!("live {:<24} good -> {statuses:?}", s.name);
            }
            Err(e) => failures.push(format!("{} good: {e}", s.name)),
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n---\n"));
}

/// The fixes, live: every scenario whose finding has a fix is run again on its bad
/// configuration after `--fix --unsafe-fixes`, and must now answer what its good
/// look-alike answers (200 where the bad one gave 502/504), with the code gone.
#[test]
fn fixed_bad_configurations_answer_like_the_good_ones() {
    let _alone = one_at_a_time();
    if !live_tools_or_skip() {
        return;
    }
    let mut failures = Vec::new();
    let mut fixed = 0;
    for (i, s) in scenarios().iter().enumerate() {
        // Only scenarios whose finding carries a fix.
        let tmp = tempfile::tempdir().expect("temp dir");
        let (n, f) = instantiate(&s.dir.join("bad"), tmp.path(), 1, 2);
        let json = lint_command(&n, &f)
            .args(["--format", "json"])
            .output()
            .expect("lint runs");
        let doc: serde_json::Value = serde_json::from_slice(&json.stdout).unwrap_or_default();
        let fixable = doc["diagnostics"]
            .as_array()
            .into_iter()
            .flatten()
            .any(|d| d["code"] == s.code.as_str() && !d["fix"].is_null());
        if !fixable {
            println!("live fix {:<24} {} has no fix here", s.name, s.code);
            continue;
        }
        fixed += 1;
        let port = 18_600 + (i as u16) * 4;
        let marker = format!(": {} [", s.code);
        match run_scenario(s, "bad", port, port + 1, true) {
            Ok((statuses, _, out)) => {
                if statuses.iter().any(|st| *st != s.good_status) {
                    failures.push(format!(
                        "{} fixed: expected {}, got {statuses:?}\n{out}",
                        s.name, s.good_status
                    ));
                }
                if out.contains(&marker) {
                    failures.push(format!("{} fixed: still reports {}\n{out}", s.name, s.code));
                }
                println!(
                    "live fix {:<24} bad -> claimed {}, after --fix -> {statuses:?}",
                    s.name, s.status
                );
            }
            Err(e) => failures.push(format!("{} fixed: {e}", s.name)),
        }
    }
    assert!(
        fixed >= 10 || std::env::var_os("LIVE_ONLY").is_some(),
        "at least ten live scenarios have a fix: {fixed}"
    );
    assert!(failures.is_empty(), "{}", failures.join("\n---\n"));
}

/// NGX111's claim, which `nginx -t` cannot see: a dual-stack `[::]:N ipv6only=off` next to
/// `listen N` passes `nginx -t` and fails at start; the look-alike without `ipv6only=off`
/// starts. Skips when this machine has no IPv6 (the look-alike could not bind either).
#[test]
fn dual_stack_conflict_passes_nginx_t_and_fails_at_start() {
    let _alone = one_at_a_time();
    if !live_tools_or_skip() {
        return;
    }
    if std::net::TcpListener::bind("[::1]:0").is_err() {
        eprintln!("skipping: no IPv6 on this machine");
        return;
    }
    for (kind, listen, starts) in [
        ("bad", "listen [::]:18790 ipv6only=off;", false),
        ("good", "listen [::]:18791; listen 18791;", true),
    ] {
        let tmp = tempfile::tempdir().expect("temp dir");
        let dir = tmp.path();
        let port = if starts { 18791 } else { 18790 };
        let conf = dir.join("nginx.conf");
        std::fs::write(
            &conf,
            format!(
                "pid {d}/nginx.pid;\nerror_log {d}/error.log;\nevents {{ worker_connections 64; }}\nhttp {{\n    access_log off;\n    client_body_temp_path {d};\n    proxy_temp_path {d};\n    fastcgi_temp_path {d};\n    uwsgi_temp_path {d};\n    scgi_temp_path {d};\n    server {{ {listen} server_name a.test; return 204; }}\n    server {{ listen {port}; server_name b.test; return 204; }}\n}}\n",
                d = dir.display()
            ),
        )
        .expect("write");
        let test = Command::new("nginx")
            .args(["-t", "-c"])
            .arg(&conf)
            .arg("-p")
            .arg(dir)
            .output()
            .expect("nginx -t");
        assert!(
            test.status.success(),
            "{kind}: nginx -t must pass: {test:?}"
        );
        let start = Command::new("nginx")
            .args(["-c"])
            .arg(&conf)
            .arg("-p")
            .arg(dir)
            .output()
            .expect("nginx starts or fails");
        let log = std::fs::read_to_string(dir.join("error.log")).unwrap_or_default();
        let running = start.status.success() && wait_port(port as u16);
        let pid = std::fs::read_to_string(dir.join("nginx.pid")).unwrap_or_default();
        if !pid.trim().is_empty() {
            let _ = Command::new("kill").args(["-QUIT", pid.trim()]).status();
            std::thread::sleep(Duration::from_millis(300));
        }
        assert_eq!(running, starts, "{kind}: started = {running}\n{log}");
        if !starts {
            assert!(log.contains("Address already in use"), "{log}");
        }
        let lint = BinCommand::cargo_bin("nginx-fpm-lint")
            .expect("binary")
            .args(["--no-config", "--format", "concise", "--nginx"])
            .arg(&conf)
            .output()
            .expect("lint runs");
        let out = String::from_utf8_lossy(&lint.stdout);
        assert_eq!(out.contains(": NGX111 ["), !starts, "{kind}:\n{out}");
        println!(
            "live dual-stack {kind}: nginx -t ok, started = {running}, NGX111 = {}",
            !starts
        );
    }
}

/// FPM114's claim: a pool socket in a directory that does not exist passes `php-fpm -t`
/// and stops php-fpm at start (exit 78, "unable to bind listening socket"); with the
/// directory there, php-fpm starts and makes the socket. The linter, on the same copy of
/// `/`, flags the first and not the second.
#[test]
fn socket_in_a_missing_directory_passes_php_fpm_t_and_fails_at_start() {
    let _alone = one_at_a_time();
    if !live_tools_or_skip() {
        return;
    }
    for (kind, made, starts) in [("bad", false, false), ("good", true, true)] {
        let tmp = tempfile::tempdir().expect("temp dir");
        let root = tmp.path();
        for sub in ["etc/php/8.2/fpm", "var/log", "var/lib/php"] {
            std::fs::create_dir_all(root.join(sub)).expect("mkdir");
        }
        if made {
            std::fs::create_dir_all(root.join("var/lib/php/sockets")).expect("mkdir");
        }
        // The pool as the linter reads it (paths in the copy of `/`)...
        let pool = "[app]\nuser = www-data\ngroup = www-data\nlisten = /var/lib/php/sockets/app.sock\npm = static\npm.max_children = 1\n";
        let conf = root.join("etc/php/8.2/fpm/php-fpm.conf");
        std::fs::write(
            &conf,
            format!("[global]\nerror_log = /var/log/php-fpm.log\n{pool}"),
        )
        .expect("write");
        // ...and as php-fpm runs it, its paths under the copy.
        let d = root.display();
        let running_conf = root.join("run.conf");
        std::fs::write(
            &running_conf,
            format!("[global]\npid = {d}/fpm.pid\nerror_log = {d}/var/log/php-fpm.log\ndaemonize = no\n")
                + &pool.replace("/var/lib", &format!("{d}/var/lib")),
        )
        .expect("write");
        let test = Command::new("php-fpm8.2")
            .args(["-t", "-y"])
            .arg(&running_conf)
            .output()
            .expect("php-fpm -t");
        assert!(
            test.status.success(),
            "{kind}: php-fpm -t must pass: {test:?}"
        );
        let mut child = Command::new("php-fpm8.2")
            .args(["-F", "-R", "-y"])
            .arg(&running_conf)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("php-fpm starts or fails");
        let socket = root.join("var/lib/php/sockets/app.sock");
        let deadline = Instant::now() + Duration::from_secs(10);
        let mut exited = None;
        while Instant::now() < deadline {
            if let Ok(Some(status)) = child.try_wait() {
                exited = Some(status);
                break;
            }
            if socket.exists() {
                break;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        let running = exited.is_none() && socket.exists();
        // Stopped and reaped in every case (an exited child is reaped by this wait too).
        let _ = child.kill();
        let _ = child.wait();
        let log = std::fs::read_to_string(root.join("var/log/php-fpm.log")).unwrap_or_default();
        assert_eq!(
            running, starts,
            "{kind}: started = {running}, exit {exited:?}\n{log}"
        );
        if !starts {
            assert_eq!(exited.and_then(|s| s.code()), Some(78), "{log}");
            assert!(log.contains("unable to bind listening socket"), "{log}");
        }
        let lint = BinCommand::cargo_bin("nginx-fpm-lint")
            .expect("binary")
            .args(["--no-config", "--format", "concise", "--root"])
            .arg(root)
            .output()
            .expect("lint runs");
        let out = String::from_utf8_lossy(&lint.stdout);
        assert_eq!(out.contains(": FPM114 ["), !starts, "{kind}:\n{out}");
        println!("live socket directory {kind}: php-fpm -t ok, started = {running}");
    }
}
