//! gixy users' habits: plugin names in `--select`/`--ignore`, the config file and
//! suppressions; `--select SEC` for the security rules; snippets linted with
//! `--context`.

use std::path::Path;

use assert_cmd::Command;

/// A location-level snippet, as gixy users lint them.
const SNIPPET: &str = "proxy_set_header Host $http_host;\nproxy_pass http://127.0.0.1:8080;\n";

fn lint(dir: &Path, args: &[&str]) -> (String, String, Option<i32>) {
    let out = Command::cargo_bin("nginx-fpm-lint")
        .expect("bin")
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .args(["--format", "concise"])
        .args(args)
        .output()
        .expect("run");
    (
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
        out.status.code(),
    )
}

fn snippet_dir(text: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("tmp");
    std::fs::write(dir.path().join("proxy.conf"), text).expect("write");
    dir
}

#[test]
fn context_auto_lints_a_location_snippet_where_it_belongs() {
    let dir = snippet_dir(SNIPPET);
    let (out, err, _) = lint(
        dir.path(),
        &["--no-config", "--context", "auto", "--nginx", "proxy.conf"],
    );
    assert!(
        out.contains("proxy.conf:1:23: SEC015 [warning]"),
        "{out}{err}"
    );
    // Nothing is said about the wrapper: no "directive not allowed here", no missing
    // events, no finding pointing outside the snippet.
    assert_eq!(out.lines().filter(|l| l.contains(": ")).count(), 1, "{out}");
}

#[test]
fn plugin_names_select_ignore_and_suppress() {
    let dir = snippet_dir(SNIPPET);
    let base = [
        "--no-config",
        "--context",
        "location",
        "--nginx",
        "proxy.conf",
    ];
    let with = |extra: &[&str]| {
        let mut args: Vec<&str> = base.to_vec();
        args.extend_from_slice(extra);
        lint(dir.path(), &args)
    };
    let (out, _, code) = with(&["--select", "host_spoofing"]);
    assert!(out.contains("SEC015"), "{out}");
    assert_eq!(code, Some(1));
    let (out, _, _) = with(&["--select", "SEC"]);
    assert!(out.contains("SEC015"), "{out}");
    let (out, _, _) = with(&["--select", "ssl_ecdh_curve_is_not_an_alias"]);
    assert!(!out.contains("SEC015"), "{out}");
    let (out, _, code) = with(&["--ignore", "host_spoofing"]);
    assert!(!out.contains("SEC015"), "{out}");
    assert_eq!(code, Some(0));

    let suppressed = snippet_dir(&format!(
        "# nginx-fpm-lint: ignore host_spoofing the backend checks Host itself\n{SNIPPET}"
    ));
    let (out, _, _) = lint(
        suppressed.path(),
        &[
            "--no-config",
            "--context",
            "location",
            "--nginx",
            "proxy.conf",
        ],
    );
    assert!(!out.contains("SEC015") && !out.contains("LINT001"), "{out}");
}

#[test]
fn plugin_names_work_in_the_config_file() {
    let dir = snippet_dir(SNIPPET);
    let args = ["--context", "location", "--nginx", "proxy.conf"];
    let config = dir.path().join(".nginx-fpm-lint.toml");
    std::fs::write(&config, "[severity]\nhost_spoofing = \"note\"\n").expect("write");
    let (out, err, code) = lint(dir.path(), &args);
    assert!(out.contains("SEC015 [note]"), "{out}{err}");
    assert_eq!(code, Some(0));
    std::fs::write(&config, "ignore = [\"host_spoofing\"]\n").expect("write");
    let (out, _, _) = lint(dir.path(), &args);
    assert!(!out.contains("SEC015"), "{out}");
    std::fs::write(
        &config,
        "[rule-options.host_spoofing]\nheaders = [\"host\"]\n",
    )
    .expect("write");
    let (_, err, code) = lint(dir.path(), &args);
    assert_eq!(code, Some(1), "{err}");
    std::fs::write(
        &config,
        "[rule-options.no_such_plugin]\ndomains = [\"a\"]\n",
    )
    .expect("write");
    let (_, err, code) = lint(dir.path(), &args);
    assert_eq!(code, Some(2));
    assert!(err.contains("unknown rule 'no_such_plugin'"), "{err}");
    std::fs::write(&config, "[rule-options.origins]\ndomains = 3\n").expect("write");
    let (_, err, code) = lint(dir.path(), &args);
    assert_eq!(code, Some(2), "{err}");
}
