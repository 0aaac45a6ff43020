//! Differential proof of the fixes: for every fixture under fixtures/fix, the real
//! `nginx -t` and `php-fpm8.2 -t` of this machine judge the tree before and after
//! `--fix --unsafe-fixes`. The fixed tree must load wherever the broken one did, and must
//! now load where the broken one failed (the load-time codes' fixes). Each program runs
//! in test-support's `sandbox` (a private mount namespace whose root is the tree over
//! this machine's /); a repository is first materialized (`deployments --materialize`).
//!
//! Skips with a reason when not root or unshare, overlayfs, nginx or php-fpm8.2 is missing,
//! except in CI. Fixtures whose fix targets a newer nginx than this machine's 1.22 are
//! listed in `NEWER_NGINX` with the reason.

use std::path::{Path, PathBuf};
use std::process::Output;

use assert_cmd::Command as BinCommand;

use test_support::sandbox::{self, bounded, Container};

/// Fixtures judged only on their php-fpm side: their configuration or fix is for nginx
/// 1.25 and later (`http2 on;`, HTTP/3), which this machine's nginx 1.22 does not know.
const NEWER_NGINX: &[(&str, &str)] = &[
    (
        "NGX018",
        "the fix writes `http2 on;`, a directive of nginx 1.25.1; nginx 1.22 here rejects it",
    ),
    (
        "SEC077",
        "`quic_bpf` and `listen ... quic` are HTTP/3 (nginx 1.25); nginx 1.22 here rejects them",
    ),
];

/// One program's verdict: `Some(Ok(()))` loads, `Some(Err(log))` refuses, `None` absent.
type Verdict = Option<Result<(), String>>;

fn verdict(out: Output) -> Result<(), String> {
    if out.status.success() {
        Ok(())
    } else {
        Err(format!(
            "{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        ))
    }
}

/// A self-signed certificate where a fixture names /etc/nginx/ssl/{cert,key}.pem, or
/// certbot's /etc/letsencrypt/live/app.test/{fullchain,privkey}.pem (nginx -t loads them);
/// the fixtures keep no key material.
fn certificates(tree: &Path) {
    let conf = std::fs::read_to_string(tree.join("etc/nginx/nginx.conf")).unwrap_or_default();
    for (cert, key) in [
        ("etc/nginx/ssl/cert.pem", "etc/nginx/ssl/key.pem"),
        (
            "etc/letsencrypt/live/app.test/fullchain.pem",
            "etc/letsencrypt/live/app.test/privkey.pem",
        ),
    ] {
        if !conf.contains(&format!("/{cert}")) || tree.join(cert).exists() {
            continue;
        }
        if let Some(dir) = tree.join(cert).parent() {
            std::fs::create_dir_all(dir).expect("certificate dir");
        }
        let ok = std::process::Command::new("openssl")
            .args([
                "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
            ])
            .args(["-subj", "/CN=fix.test", "-keyout"])
            .arg(tree.join(key))
            .arg("-out")
            .arg(tree.join(cert))
            .output()
            .is_ok_and(|o| o.status.success());
        assert!(ok, "openssl makes a test certificate");
    }
}

/// The real verdicts on a copy of `/` (nginx, php-fpm).
fn root_verdicts(tree: &Path, scratch: &Path) -> (Verdict, Verdict) {
    let extra = scratch.join("extra");
    sandbox::extra_layer(&extra, &[], &["nginx".into(), "www-data".into()]);
    let run = |name: &str, exact: &str, program: &[&str]| {
        let work = scratch.join(name);
        std::fs::create_dir_all(&work).expect("mount point");
        let c = Container {
            tree,
            extra: &extra,
            work: &work,
            exact: vec![exact.to_string()],
            mkdirs: Vec::new(),
            shared: Vec::new(),
            userspec: None,
        };
        verdict(bounded(c.command(None, program)))
    };
    let nginx = tree.join("etc/nginx/nginx.conf").is_file().then(|| {
        run(
            "n",
            "/etc/nginx",
            &["nginx", "-t", "-c", "/etc/nginx/nginx.conf"],
        )
    });
    let fpm_main = ["8.2", "8.1", "8.3"]
        .iter()
        .map(|v| format!("/etc/php/{v}/fpm/php-fpm.conf"))
        .find(|m| tree.join(m.trim_start_matches('/')).is_file());
    let fpm = fpm_main.map(|main| {
        run(
            "f",
            &sandbox::parent(&main),
            &["php-fpm8.2", "-t", "--fpm-config", &main],
        )
    });
    (nginx, fpm)
}

/// The real verdicts on a repository: every materialized deployment, worst side wins.
fn repository_verdicts(repo: &Path, scratch: &Path) -> (Verdict, Verdict) {
    let out_dir = scratch.join("out");
    let m = BinCommand::cargo_bin("nginx-fpm-lint")
        .expect("binary")
        .current_dir(repo)
        .args(["deployments", ".", "--materialize"])
        .arg(&out_dir)
        .output()
        .expect("materialize");
    assert!(m.status.success(), "materialize: {m:?}");
    let mut nginx: Verdict = None;
    let mut fpm: Verdict = None;
    let merge = |acc: &mut Verdict, out: Option<Output>| {
        let Some(out) = out else { return };
        let v = verdict(out);
        *acc = Some(match acc.take() {
            Some(Err(e)) => Err(e),
            _ => v,
        });
    };
    for d in sandbox::deployments(&out_dir) {
        let (n, f) = sandbox::test_deployment(&d, &scratch.join(format!("d-{}", d.index)));
        merge(&mut nginx, n);
        merge(&mut fpm, f);
    }
    (nginx, fpm)
}

fn verdicts(tree: &Path, scratch: &Path) -> (Verdict, Verdict) {
    if tree.join("REPOSITORY").is_file() {
        repository_verdicts(tree, scratch)
    } else {
        root_verdicts(tree, scratch)
    }
}

fn fix(tree: &Path) {
    let mut cmd = BinCommand::cargo_bin("nginx-fpm-lint").expect("binary");
    cmd.args(["--no-config", "--fix", "--unsafe-fixes"]);
    if tree.join("REPOSITORY").is_file() {
        cmd.current_dir(tree).arg(".");
    } else {
        cmd.arg("--root").arg(tree);
    }
    if let Ok(args) = std::fs::read_to_string(tree.join("args")) {
        cmd.args(args.lines().filter(|l| !l.is_empty()));
    }
    let out = cmd.output().expect("fix runs");
    assert_ne!(out.status.code(), Some(2), "{out:?}");
}

#[test]
fn fixed_trees_load_in_the_real_nginx_and_php_fpm() {
    if !sandbox::available_or_skip("the fixes differential test", None) {
        return;
    }
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/fix");
    let mut cases: Vec<(String, PathBuf)> = std::fs::read_dir(&root)
        .expect("fixtures/fix")
        .filter_map(Result::ok)
        .map(|e| {
            (
                e.file_name().to_string_lossy().into_owned(),
                e.path().join("before"),
            )
        })
        .collect();
    cases.sort();
    let mut failures = Vec::new();
    let mut rows = Vec::new();
    let mut repaired = 0;
    for (code, before) in &cases {
        let temp = tempfile::Builder::new()
            .prefix("nfl-fixdiff")
            .tempdir()
            .expect("temp dir");
        let tree = temp.path().join("tree");
        test_support::copy_tree(before, &tree);
        certificates(&tree);
        let (nginx_before, fpm_before) = verdicts(&tree, &temp.path().join("s1"));
        fix(&tree);
        let (nginx_after, fpm_after) = verdicts(&tree, &temp.path().join("s2"));
        let newer = NEWER_NGINX
            .iter()
            .find(|(c, _)| Some(*c) == code.split('-').next());
        let word = |v: &Verdict| match v {
            None => "-",
            Some(Ok(())) => "loads",
            Some(Err(_)) => "refuses",
        };
        rows.push(format!(
            "{code:<8} nginx {:>7} -> {:<7}  php-fpm {:>7} -> {:<7}{}",
            word(&nginx_before),
            word(&nginx_after),
            word(&fpm_before),
            word(&fpm_after),
            newer.map_or(String::new(), |(_, why)| format!(
                "  (nginx not judged: {why})"
            ))
        ));
        for (side, b, a) in [
            ("nginx", &nginx_before, &nginx_after),
            ("php-fpm", &fpm_before, &fpm_after),
        ] {
            if side == "nginx" && newer.is_some() {
                continue;
            }
            match (b, a) {
                (_, Some(Err(log))) => failures.push(format!(
                    "{code}: the fixed tree does not load in {side}:\n{log}"
                )),
                (Some(Err(_)), Some(Ok(()))) => repaired += 1,
                _ => {}
            }
        }
    }
    println!("{}", rows.join("\n"));
    assert!(
        repaired >= 4,
        "the load-time fixes (NGX010, NGX014, FPM001, FPM003, FPM007, SEC073) turn refusals into loads: {repaired}"
    );
    assert!(failures.is_empty(), "{}", failures.join("\n---\n"));
}
