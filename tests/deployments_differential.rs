//! Differential test of repository mode: for every repository layout (the X0xx rule
//! fixtures with a REPOSITORY marker and every fixtures/repos layout), materialize the
//! assembled deployments (`deployments --materialize`) and run the real `nginx -t` and
//! `php-fpm8.2 -t` on each container's files, in a private mount namespace whose root is
//! those files over this machine's / (see test-support's `sandbox`). The deployment's host names
//! (`fpm_names`, `other_names`) resolve to 127.0.0.1 and nothing else resolves, as in the
//! deployment's own network. The real accept/reject must equal our load-time verdict:
//! errors NGX0xx and X020 (nginx refuses to load), errors FPM0xx (php-fpm refuses to load),
//! apart from the deliberate differences listed in `DIFFERENCES` with their reason.
//!
//! Skips with a reason when not root or unshare, overlayfs, nginx or php-fpm8.2 is missing,
//! except in CI.

use std::path::{Path, PathBuf};
use std::process::Output;

use assert_cmd::Command as BinCommand;

use test_support::sandbox;

/// FPM0xx rules whose doc says `php-fpm -t` accepts the file and the failure comes at start
/// or at run time: they are no load-time verdict.
const FPM_NOT_AT_LOAD: &[&str] = &["FPM011", "FPM020", "FPM021", "FPM022", "FPM024"];

/// Deliberate differences: (layout, side, reason). A listed difference that no longer
/// differs fails the test, so the list stays true.
const DIFFERENCES: &[(&str, &str, &str)] = &[
    (
        "repos/laradock-sites-upstream",
        "nginx",
        "`upstream php-upstream` is written by the nginx Dockerfile's `RUN echo ... > \
         conf.d/upstream.conf` at build time, so the repository's files alone leave \
         `fastcgi_pass php-upstream` without its upstream (no port in upstream) for this \
         test's nginx -t, which reads the files as the repository has them; the linter \
         applies the RUN (its ARG defaults expanded) and reads the upstream",
    ),
    (
        "repos/compose-wordpress-fpm",
        "nginx",
        "the TLS certificate /etc/ssl/fullchain.pem is not in the repository (SOURCE.md: the \
         user supplies ssl/*.pem): nginx -t cannot load it; the linter does not demand secrets",
    ),
    (
        "repos/monorepo-build-targets-openresty",
        "nginx",
        "the image is OpenResty (ngx_lua built in); this machine's Debian nginx has no \
         set_by_lua, so only OpenResty's own nginx -t could judge this file",
    ),
    (
        "repos/dockerfile-rm-stock-pools-mv-own",
        "fpm",
        "php-fpm.conf and www.conf are put in place by the Dockerfile's `RUN mv /src/… …` \
         (after a `rm` of the stock pools): the linter applies the RUN's moves, the \
         materialized copy holds the files as the COPY layers place them, so this test's \
         php-fpm -t reads the stock php-fpm.conf over an emptied php-fpm.d",
    ),
    (
        "repos/envplate-site-rendered-with-defaults",
        "fpm",
        "Alpine's stock php-fpm.conf logs to `/var/log/php83/error.log`, a folder Alpine's \
         php83-fpm package creates and this Debian machine lacks: php-fpm -t cannot open it; \
         the image has it",
    ),
    (
        "repos/image-named-for-brotli-module",
        "nginx",
        "the image is fholzer/nginx-brotli (Google's brotli module compiled in); this \
         machine's Debian nginx has no brotli, so only that image's own nginx -t could judge \
         the `brotli*` directives",
    ),
    (
        "repos/source-built-nginx-env-configure-flags",
        "nginx",
        "the Dockerfile compiles nginx with the vts module (`--add-module=.../nginx-module-vts` \
         in its ENV); this machine's Debian nginx has no vts, so only that build's own nginx -t \
         could judge the `vhost_traffic_status*` directives",
    ),
    (
        "repos/source-built-nginx-prefix-s6",
        "nginx",
        "nginx's `pid /nginx/run/nginx.pid;` is in a folder the Dockerfile's RUN makes \
         (`mkdir -p /nginx/logs /nginx/run`) after compiling nginx; the materialized copy \
         holds only files, so this machine's nginx -t cannot open the pid file there",
    ),
    (
        "repos/loose-site-names-k8s-service",
        "nginx",
        "`upstream php_fpm_service { server php-fpm:9000; }` names the Kubernetes Service \
         `php-fpm`, which the cluster's DNS resolves; the loose files run in no container \
         of the repository, so this test's nginx -t, where only the deployment's own names \
         resolve, cannot resolve it (`host not found in upstream`); the linter does not \
         judge the names loose files give to other machines",
    ),
    (
        "repos/easyengine-v4-site-folder",
        "nginx",
        "`upstream php { server example.com_php:9000; }` names the php service's network \
         alias `${VIRTUAL_HOST}_php` on the site's Docker network; the Compose services run \
         images this tool does not know from named volumes, so the files are loose and the \
         deployment has no network names: this machine's nginx -t cannot resolve the name \
         (host not found in upstream), EasyEngine's container can",
    ),
    (
        "repos/easyengine-v4-site-folder",
        "fpm",
        "`error_log = /var/log/php/error.log` is in EasyEngine's `log_php` volume, which \
         this machine lacks: php-fpm -t cannot open it; the linter does not judge log \
         folders of a container it cannot see",
    ),
    (
        "X013/bad-variable-from-unprovided-include",
        "nginx",
        "`include /etc/nginx/platform/backend-map.conf;` names a file the platform writes at \
         deploy time and the repository does not hold (its comment says so): this test's \
         nginx -t, which reads the files as the repository has them, cannot open it; the \
         linter does not judge files the deployment does not provide, and says that where \
         `$php_backend` gets its value was not seen",
    ),
    (
        "repos/yum-php-fpm-absolute-include",
        "fpm",
        "the pool runs as `user = nginx`, the account Amazon Linux's nginx package creates in \
         the image; this Debian machine has no `nginx` account, so its php-fpm -t cannot get \
         the uid; the linter judges accounts against the image, not the machine it runs on",
    ),
];

/// Layouts `deployments --materialize` cannot write yet: (layout, reason). The test fails
/// when one of them starts to materialize, so that it joins the comparison.
const NOT_MATERIALIZED: &[(&str, &str)] = &[];

fn layouts() -> Vec<(String, PathBuf)> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut out = Vec::new();
    let mut rules: Vec<_> = std::fs::read_dir(root.join("fixtures/rules"))
        .expect("fixtures/rules")
        .filter_map(Result::ok)
        .filter(|e| e.file_name().to_string_lossy().starts_with("X0"))
        .collect();
    rules.sort_by_key(|e| e.file_name());
    for rule in rules {
        let mut cases: Vec<_> = std::fs::read_dir(rule.path())
            .expect("rule fixtures")
            .filter_map(Result::ok)
            .filter(|e| e.path().join("REPOSITORY").is_file())
            // A layout nginx reads only once a start script has rendered it with values
            // the repository does not hold (its `NOT_DIFFERENTIAL` says which): the real
            // binaries would judge the unrendered text.
            .filter(|e| !e.path().join("NOT_DIFFERENTIAL").is_file())
            .collect();
        cases.sort_by_key(|e| e.file_name());
        for case in cases {
            out.push((
                format!(
                    "{}/{}",
                    rule.file_name().to_string_lossy(),
                    case.file_name().to_string_lossy()
                ),
                case.path(),
            ));
        }
    }
    let mut repos: Vec<_> = std::fs::read_dir(root.join("fixtures/repos"))
        .expect("fixtures/repos")
        .filter_map(Result::ok)
        .filter(|e| e.path().join("SOURCE.md").is_file())
        .filter(|e| !e.path().join("NOT_DIFFERENTIAL").is_file())
        .collect();
    repos.sort_by_key(|e| e.file_name());
    for repo in repos {
        out.push((
            format!("repos/{}", repo.file_name().to_string_lossy()),
            repo.path(),
        ));
    }
    out
}

/// Our load-time verdict on a layout: (nginx refuses, php-fpm refuses, the codes).
fn lint_verdict(layout: &Path) -> (bool, bool, Vec<String>) {
    let out = BinCommand::cargo_bin("nginx-fpm-lint")
        .expect("binary")
        .current_dir(layout)
        .args(["--no-config", "--format", "json", "."])
        .output()
        .expect("lint runs");
    let json: serde_json::Value =
        serde_json::from_slice(&out.stdout).expect("the JSON report parses");
    let mut codes: Vec<String> = json["diagnostics"]
        .as_array()
        .expect("diagnostics")
        .iter()
        .filter(|d| d["severity"] == "error")
        .filter_map(|d| d["code"].as_str().map(str::to_string))
        .collect();
    codes.sort();
    codes.dedup();
    let nginx = codes.iter().any(|c| c.starts_with("NGX0") || c == "X020");
    let fpm = codes
        .iter()
        .any(|c| c.starts_with("FPM0") && !FPM_NOT_AT_LOAD.contains(&c.as_str()));
    (nginx, fpm, codes)
}

fn text(o: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    )
}

/// The first line that says why the program refused (for the table).
fn why(o: &Output) -> String {
    let t = text(o);
    t.lines()
        .find(|l| l.contains("[emerg]") || l.contains("ERROR:"))
        .unwrap_or("")
        .chars()
        .take(110)
        .collect()
}

#[test]
fn real_nginx_t_and_php_fpm_t_agree_with_the_load_time_verdict() {
    if !sandbox::available_or_skip("the deployments differential test", None) {
        return;
    }
    let word = |refused: bool| if refused { "reject" } else { "accept" };
    let mut failures = Vec::new();
    let mut rows = vec![format!(
        "{:<58} {:>2}  {:<13} {:<13}  codes / why",
        "layout", "n", "nginx real/us", "fpm real/us"
    )];
    let mut seen_differences = Vec::new();
    let all = layouts();
    assert!(
        all.len() >= 35,
        "the X0xx repository fixtures and fixtures/repos"
    );
    for (name, layout) in &all {
        let tmp = tempfile::Builder::new()
            .prefix("nfl-diff")
            .tempdir()
            .expect("temp dir");
        let out_dir = tmp.path().join("out");
        let m = BinCommand::cargo_bin("nginx-fpm-lint")
            .expect("binary")
            .current_dir(layout)
            .args(["deployments", ".", "--materialize"])
            .arg(&out_dir)
            .output()
            .expect("materialize runs");
        let known = NOT_MATERIALIZED.iter().find(|(l, _)| l == name);
        if !m.status.success() {
            let err = String::from_utf8_lossy(&m.stderr).trim().to_string();
            rows.push(format!("{name:<58}  -  not materialized: {err}"));
            if known.is_none() {
                failures.push(format!("{name}: --materialize fails: {err}"));
            }
            continue;
        }
        if let Some((_, reason)) = known {
            failures.push(format!(
                "{name} materializes now (listed as not materialized: {reason}): remove it from NOT_MATERIALIZED"
            ));
        }
        let (lint_nginx, lint_fpm, codes) = lint_verdict(layout);
        let deployments = sandbox::deployments(&out_dir);
        assert!(
            !deployments.is_empty(),
            "{name}: no deployment materialized"
        );
        // Our verdict is per repository (diagnostics name files, not deployments): a
        // side refuses when any deployment's copy of it refuses.
        let mut real_nginx = false;
        let mut real_fpm = false;
        let mut outputs = Vec::new();
        for d in &deployments {
            let scratch = tmp.path().join(format!("scratch-{}", d.index));
            let (nginx, fpm) = sandbox::test_deployment(d, &scratch);
            let refused = |o: &Option<Output>| o.as_ref().is_some_and(|o| !o.status.success());
            real_nginx |= refused(&nginx);
            real_fpm |= refused(&fpm);
            let cell = |o: &Option<Output>, us: bool| match o {
                None => "-".to_string(),
                Some(o) => format!("{}/{}", word(!o.status.success()), word(us)),
            };
            let mut why_cell = codes.join(",");
            for o in [&nginx, &fpm].into_iter().flatten() {
                if !o.status.success() {
                    why_cell.push_str(&format!(" | {}", why(o)));
                }
            }
            rows.push(format!(
                "{name:<58} {:>2}  {:<13} {:<13}  {why_cell}",
                d.index,
                cell(&nginx, lint_nginx),
                cell(&fpm, lint_fpm),
            ));
            outputs.push((d.index.clone(), nginx, fpm));
        }
        // X020's claim: nginx stops at load with "host not found in upstream".
        if codes.iter().any(|c| c == "X020") {
            let said = outputs.iter().any(|(_, n, _)| {
                n.as_ref()
                    .is_some_and(|o| text(o).contains("host not found in upstream"))
            });
            if !said {
                failures.push(format!(
                    "{name}: X020 reported, but no nginx -t says \"host not found in upstream\""
                ));
            }
        }
        for (side, real, us) in [
            ("nginx", real_nginx, lint_nginx),
            ("fpm", real_fpm, lint_fpm),
        ] {
            let listed = DIFFERENCES.iter().find(|(l, s, _)| l == name && *s == side);
            match (real == us, listed) {
                (true, None) => {}
                (false, Some((_, _, reason))) => {
                    seen_differences.push(format!("{name} {side}: {reason}"))
                }
                (true, Some(_)) => failures.push(format!(
                    "{name} {side}: listed as a deliberate difference but agrees now: remove it"
                )),
                (false, None) => {
                    let detail: Vec<String> = outputs
                        .iter()
                        .map(|(i, n, f)| {
                            let o = if side == "nginx" { n } else { f };
                            format!("[{i}] {}", o.as_ref().map(text).unwrap_or_default())
                        })
                        .collect();
                    failures.push(format!(
                        "{name} {side}: real {} but we {} (codes {codes:?})\n{}",
                        word(real),
                        word(us),
                        detail.join("\n")
                    ));
                }
            }
        }
    }
    println!("{}", rows.join("\n"));
    if !seen_differences.is_empty() {
        println!(
            "deliberate differences:\n  {}",
            seen_differences.join("\n  ")
        );
    }
    assert!(failures.is_empty(), "{}", failures.join("\n---\n"));
}
