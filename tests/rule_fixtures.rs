//! Every rule's fixtures through the real binary, one test per rule
//! (`cargo test --test rule_fixtures X009`): each bad tree reports the rule's code,
//! each good look-alike does not; outputs are snapshots beside the fixtures.

use std::path::{Path, PathBuf};

use assert_cmd::Command;

fn fixture_dirs() -> Vec<(String, PathBuf)> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/rules");
    let mut dirs: Vec<(String, PathBuf)> = std::fs::read_dir(&root)
        .expect("fixtures/rules")
        .filter_map(Result::ok)
        .map(|e| (e.file_name().to_string_lossy().into_owned(), e.path()))
        .collect();
    dirs.sort();
    dirs
}

fn run(dir: &Path, format: &str) -> (String, i32) {
    let rel = dir
        .strip_prefix(env!("CARGO_MANIFEST_DIR"))
        .expect("inside the repo");
    // Fixtures whose rule reads owners and modes (git keeps neither) are copied to a temp
    // dir at the same relative path, with the modes of their `modes` file applied.
    let staged = stage_modes(dir, rel);
    let cwd = staged
        .as_ref()
        .map_or(Path::new(env!("CARGO_MANIFEST_DIR")), |t| t.path());
    let mut cmd = Command::cargo_bin("nginx-fpm-lint").expect("binary");
    if dir.join("REPOSITORY").is_file() {
        // A repository layout: linted from its top, as `nginx-fpm-lint .`.
        cmd.current_dir(dir)
            .env("NO_COLOR", "1")
            .args(["--no-config", "--format", format, "."]);
    } else {
        cmd.current_dir(cwd)
            .env("NO_COLOR", "1")
            .args(["--no-config", "--format", format, "--root"])
            .arg(rel);
    }
    if let Ok(extra) = std::fs::read_to_string(dir.join("args")) {
        cmd.args(extra.lines().filter(|l| !l.is_empty()));
    }
    let out = cmd.output().expect("run");
    (
        String::from_utf8_lossy(&out.stdout).into_owned(),
        out.status.code().unwrap_or(-1),
    )
}

/// Copies `dir` to `<temp>/<rel>` and applies its `modes` file (`0700 srv/shop` per line),
/// owned by root:root; `None` when the fixture has no `modes` file.
fn stage_modes(dir: &Path, rel: &Path) -> Option<tempfile::TempDir> {
    use std::os::unix::fs::PermissionsExt;
    let modes = std::fs::read_to_string(dir.join("modes")).ok()?;
    let temp = tempfile::tempdir().expect("temp dir");
    let target = temp.path().join(rel);
    for entry in walkdir::WalkDir::new(dir)
        .into_iter()
        .filter_map(Result::ok)
    {
        let to = target.join(entry.path().strip_prefix(dir).expect("inside"));
        if entry.file_type().is_dir() {
            std::fs::create_dir_all(&to).expect("mkdir");
            std::fs::set_permissions(&to, std::fs::Permissions::from_mode(0o755)).expect("chmod");
        } else {
            std::fs::copy(entry.path(), &to).expect("copy");
        }
    }
    for line in modes.lines().filter(|l| !l.trim().is_empty()) {
        let (mode, path) = line.split_once(' ').expect("`MODE PATH` lines");
        let mode = u32::from_str_radix(mode, 8).expect("octal mode");
        std::fs::set_permissions(
            target.join(path.trim()),
            std::fs::Permissions::from_mode(mode),
        )
        .expect("chmod");
    }
    Some(temp)
}

/// One rule's fixtures: every `bad*` case reports the code (and does not fail to run),
/// every `good*` look-alike does not; outputs are snapshots beside the fixtures
/// (`fixtures/rules/<CODE>/snapshots/`).
fn check_rule(code: &str, dir: &Path) -> Result<(), String> {
    let marker = format!(": {code} [");
    // `bad`, `bad-<form>`: other triggering forms; `good`, `good-<look-alike>`.
    let mut cases: Vec<String> = std::fs::read_dir(dir)
        .map_err(|e| format!("{}: {e}", dir.display()))?
        .filter_map(Result::ok)
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with("bad") || n.starts_with("good"))
        .collect();
    cases.sort();
    if !cases.iter().any(|c| c.starts_with("bad")) || !cases.iter().any(|c| c.starts_with("good")) {
        return Err(format!("{code}: needs a bad/ and a good/ fixture"));
    }
    let mut failures = Vec::new();
    let mut settings = insta::Settings::clone_current();
    settings.set_snapshot_path(dir.join("snapshots"));
    settings.set_prepend_module_to_snapshot(false);
    settings.set_omit_expression(true);
    for case in cases {
        let (out, status) = run(&dir.join(&case), "concise");
        if case.starts_with("bad") {
            if !out.contains(&marker) {
                failures.push(format!("{code}/{case} does not report {code}:\n{out}"));
            }
            if status == 2 {
                failures.push(format!("{code}/{case} exited 2"));
            }
        } else if out.contains(&marker) {
            failures.push(format!("{code}/{case} reports {code}:\n{out}"));
        }
        let name = case.replace('-', "_");
        let pretty = (case == "bad").then(|| run(&dir.join("bad"), "pretty").0);
        // insta panics on a mismatch: turn that into this trial's failure.
        let snapshots = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            settings.bind(|| {
                insta::assert_snapshot!(name.clone(), out);
                if let Some(pretty) = pretty {
                    insta::assert_snapshot!(format!("{name}_pretty"), pretty);
                }
            })
        }));
        if snapshots.is_err() {
            failures.push(format!("{code}/{case}: snapshot differs (see above)"));
        }
    }
    if failures.is_empty() {
        Ok(())
    } else {
        Err(failures.join("\n\n"))
    }
}

fn main() -> std::process::ExitCode {
    let args = libtest_mimic::Arguments::from_args();
    let dirs = fixture_dirs();
    let mut trials: Vec<libtest_mimic::Trial> = dirs
        .iter()
        .cloned()
        .map(|(code, dir)| {
            libtest_mimic::Trial::test(code.clone(), move || {
                check_rule(&code, &dir).map_err(Into::into)
            })
        })
        .collect();
    let codes: Vec<String> = dirs.iter().map(|(c, _)| c.clone()).collect();
    trials.push(libtest_mimic::Trial::test(
        "every_registered_code_has_fixtures",
        move || {
            let missing: Vec<&str> = lint_cli::all_rules()
                .iter()
                .map(|r| r.code)
                .filter(|c| !codes.iter().any(|d| d == c))
                .collect();
            if missing.is_empty() {
                Ok(())
            } else {
                Err(format!("no fixtures/rules/<CODE> for {missing:?}").into())
            }
        },
    ));
    libtest_mimic::run(&args, trials).exit_code()
}
