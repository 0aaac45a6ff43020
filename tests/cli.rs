//! The command line: formats, exit codes, config file, suppressions, rule docs.

use std::path::Path;

use assert_cmd::Command;

fn bin() -> Command {
    let mut cmd = Command::cargo_bin("nginx-fpm-lint").expect("binary");
    cmd.current_dir(env!("CARGO_MANIFEST_DIR"))
        .env("NO_COLOR", "1");
    cmd
}

/// Runs the linter in `dir` with `--no-config --format concise` and `args`: its stdout.
fn concise_in(dir: &Path, args: &[&str]) -> String {
    let out = bin()
        .current_dir(dir)
        .args(["--no-config", "--format", "concise"])
        .args(args)
        .output()
        .expect("run");
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn example(format: &str) -> (String, i32) {
    let out = bin()
        .args([
            "--no-config",
            "--root",
            "fixtures/example",
            "--format",
            format,
        ])
        .output()
        .expect("run");
    (
        String::from_utf8_lossy(&out.stdout).into_owned(),
        out.status.code().unwrap_or(-1),
    )
}

#[test]
fn every_format_renders_the_example() {
    for format in [
        "concise",
        "pretty",
        "json",
        "json-lines",
        "sarif",
        "github",
        "gitlab",
    ] {
        let (out, code) = example(format);
        assert_eq!(code, 1, "{format}: the example has errors");
        insta::assert_snapshot!(format!("example_{format}"), out);
    }
}

/// GitLab matches issues across branches by fingerprint: two findings sharing one
/// would hide each other in the merge request widget.
#[test]
fn gitlab_fingerprints_are_unique() {
    let (out, _) = example("gitlab");
    let issues: Vec<serde_json::Value> = serde_json::from_str(&out).expect("a JSON array");
    assert!(issues.len() >= 8);
    let prints: std::collections::HashSet<&str> = issues
        .iter()
        .filter_map(|i| i["fingerprint"].as_str())
        .collect();
    assert_eq!(prints.len(), issues.len());
}

#[test]
fn json_follows_the_documented_schema() {
    let (out, _) = example("json");
    let doc: serde_json::Value = serde_json::from_str(&out).expect("valid JSON");
    assert_eq!(doc["version"], 1);
    let diags = doc["diagnostics"].as_array().expect("diagnostics");
    assert!(diags.len() >= 8);
    for d in diags {
        for key in [
            "code", "name", "severity", "message", "url", "location", "related", "fix", "notes",
            "help",
        ] {
            assert!(d.get(key).is_some(), "missing {key} in {d}");
        }
        let loc = &d["location"];
        assert!(
            loc["file"]
                .as_str()
                .is_some_and(|f| f.starts_with("fixtures/example/")),
            "{loc}"
        );
        assert!(loc["start"]["line"].as_u64().is_some_and(|l| l >= 1));
        assert!(loc["offset"].as_u64().is_some() && loc["length"].as_u64().is_some());
    }
    let total = doc["summary"]["errors"].as_u64().unwrap_or(0)
        + doc["summary"]["warnings"].as_u64().unwrap_or(0)
        + doc["summary"]["notes"].as_u64().unwrap_or(0);
    assert_eq!(total as usize, diags.len());
    // json-lines carries the same objects.
    let (lines, _) = example("json-lines");
    assert_eq!(lines.lines().count(), diags.len());
    for (line, d) in lines.lines().zip(diags) {
        assert_eq!(
            &serde_json::from_str::<serde_json::Value>(line).expect("json line"),
            d
        );
    }
}

fn schema_validator(path: &str) -> jsonschema::Validator {
    let text =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join(path)).expect("schema");
    let schema: serde_json::Value = serde_json::from_str(&text).expect("schema is JSON");
    jsonschema::validator_for(&schema).expect("schema compiles")
}

#[test]
fn sarif_validates_against_the_official_2_1_0_schema() {
    // tests/data/sarif-schema-2.1.0.json: OASIS's SARIF 2.1.0 schema (draft-07), as shipped in
    // the npm package @datadog/datadog-ci-plugin-sarif.
    let validator = schema_validator("tests/data/sarif-schema-2.1.0.json");
    for root in [
        "fixtures/example",
        "fixtures/rules/X006/bad",
        "fixtures/rules/LINT001/bad",
    ] {
        let out = bin()
            .args(["--no-config", "--format", "sarif", "--root", root])
            .output()
            .expect("run");
        let log: serde_json::Value = serde_json::from_slice(&out.stdout).expect("valid JSON");
        let errors: Vec<String> = validator
            .iter_errors(&log)
            .map(|e| format!("{} at {}", e, e.instance_path()))
            .collect();
        assert!(errors.is_empty(), "{root}: {}", errors.join("\n"));
    }
}

#[test]
fn json_validates_against_the_published_schema() {
    let validator = schema_validator("docs/nginx-fpm-lint.schema.json");
    let (out, _) = example("json");
    let doc: serde_json::Value = serde_json::from_str(&out).expect("valid JSON");
    let errors: Vec<String> = validator
        .iter_errors(&doc)
        .map(|e| format!("{} at {}", e, e.instance_path()))
        .collect();
    assert!(errors.is_empty(), "{}", errors.join("\n"));
    for line in example("json-lines").0.lines() {
        let d: serde_json::Value = serde_json::from_str(line).expect("json line");
        let wrapped = serde_json::json!({"version": 1, "tool": {"name": "nginx-fpm-lint", "version": "0"}, "diagnostics": [d], "summary": {"errors": 0, "warnings": 0, "notes": 0}});
        assert!(validator.is_valid(&wrapped), "{line}");
    }
}

#[test]
fn sarif_is_structurally_valid_2_1_0() {
    let (out, _) = example("sarif");
    let log: serde_json::Value = serde_json::from_str(&out).expect("valid JSON");
    assert_eq!(log["version"], "2.1.0");
    let run = &log["runs"][0];
    let rules = run["tool"]["driver"]["rules"].as_array().expect("rules");
    let results = run["results"].as_array().expect("results");
    assert!(!results.is_empty());
    for r in results {
        let id = r["ruleId"].as_str().expect("ruleId");
        let index = r["ruleIndex"].as_u64().expect("ruleIndex") as usize;
        assert_eq!(rules[index]["id"], id);
        assert!(matches!(
            r["level"].as_str(),
            Some("error" | "warning" | "note")
        ));
        assert!(r["message"]["text"].as_str().is_some_and(|t| !t.is_empty()));
        let region = &r["locations"][0]["physicalLocation"]["region"];
        assert!(region["startLine"].as_u64().is_some_and(|l| l >= 1));
        assert!(region["startColumn"].as_u64().is_some_and(|c| c >= 1));
        let uri = r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
            .as_str()
            .expect("uri");
        assert!(!uri.starts_with('/') && !uri.contains('\\'), "{uri}");
    }
    for rule in rules {
        assert!(
            rule["id"].as_str().is_some() && rule["shortDescription"]["text"].as_str().is_some()
        );
        assert!(matches!(
            rule["defaultConfiguration"]["level"].as_str(),
            Some("error" | "warning" | "note")
        ));
    }
}

#[test]
fn exit_codes() {
    assert_eq!(example("concise").1, 1);
    let zero = bin()
        .args(["--no-config", "--root", "fixtures/example", "--exit-zero"])
        .output()
        .expect("run");
    assert_eq!(zero.status.code(), Some(0));
    // Only warnings and notes: fails at warning (default), passes at error.
    let warn_only = "fixtures/rules/X006/bad";
    assert_eq!(
        bin()
            .args(["--no-config", "--root", warn_only])
            .output()
            .expect("run")
            .status
            .code(),
        Some(1)
    );
    assert_eq!(
        bin()
            .args(["--no-config", "--root", warn_only, "--fail-level", "error"])
            .output()
            .expect("run")
            .status
            .code(),
        Some(0)
    );
    let empty = tempfile::tempdir().expect("tmp");
    let none = bin()
        .args(["--no-config", "--root"])
        .arg(empty.path())
        .output()
        .expect("run");
    assert_eq!(none.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&none.stderr);
    assert!(
        stderr.contains("no nginx or php-fpm configuration found")
            && stderr.contains("--nginx FILE --fpm FILE"),
        "{stderr}"
    );
    let bad_version = bin()
        .args([
            "--no-config",
            "--root",
            "fixtures/example",
            "--nginx-version",
            "2.0",
        ])
        .output()
        .expect("run");
    assert_eq!(bad_version.status.code(), Some(2));
    let bad_flag = bin().args(["--no-such-flag"]).output().expect("run");
    assert_eq!(bad_flag.status.code(), Some(2));
}

use test_support::copy_tree;

#[test]
fn config_file_selects_ignores_and_rejects_unknown_keys() {
    let dir = tempfile::tempdir().expect("tmp");
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/rules/X006/bad");
    copy_tree(&root, dir.path());
    let lint = |dir: &Path| {
        let out = Command::cargo_bin("nginx-fpm-lint")
            .expect("bin")
            .current_dir(dir)
            .args(["--root", ".", "--format", "concise"])
            .output()
            .expect("run");
        (
            String::from_utf8_lossy(&out.stdout).into_owned(),
            String::from_utf8_lossy(&out.stderr).into_owned(),
            out.status.code(),
        )
    };
    let (out, _, code) = lint(dir.path());
    assert!(out.contains("X006"), "{out}");
    assert_eq!(code, Some(1));

    std::fs::write(
        dir.path().join(".nginx-fpm-lint.toml"),
        "ignore = [\"X006\"]\n",
    )
    .expect("write");
    let (out, _, code) = lint(dir.path());
    assert!(!out.contains("X006"), "{out}");
    assert_eq!(code, Some(0));

    std::fs::write(
        dir.path().join(".nginx-fpm-lint.toml"),
        "[severity]\nX006 = \"note\"\n",
    )
    .expect("write");
    let (out, _, code) = lint(dir.path());
    assert!(out.contains("X006 [note]"), "{out}");
    assert_eq!(code, Some(0));

    std::fs::write(
        dir.path().join(".nginx-fpm-lint.toml"),
        "[per-path-ignores]\n\"etc/nginx/*.conf\" = [\"X006\"]\n",
    )
    .expect("write");
    let (out, _, _) = lint(dir.path());
    assert!(!out.contains("X006"), "{out}");

    std::fs::write(
        dir.path().join(".nginx-fpm-lint.toml"),
        "select = [\"X\"]\nignroe = [\"X006\"]\n",
    )
    .expect("write");
    let (_, err, code) = lint(dir.path());
    assert_eq!(code, Some(2));
    assert!(
        err.contains(".nginx-fpm-lint.toml:2:1") && err.contains("ignroe"),
        "{err}"
    );

    std::fs::write(
        dir.path().join(".nginx-fpm-lint.toml"),
        "ignore = [\"X999\"]\n",
    )
    .expect("write");
    let (_, err, code) = lint(dir.path());
    assert_eq!(code, Some(2));
    assert!(
        err.contains(".nginx-fpm-lint.toml:1:11") && err.contains("X999"),
        "{err}"
    );
}

#[test]
fn inline_suppressions_apply_to_the_next_statement() {
    let dir = tempfile::tempdir().expect("tmp");
    copy_tree(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/rules/X006/bad"),
        dir.path(),
    );
    let conf = dir.path().join("etc/nginx/nginx.conf");
    let text = std::fs::read_to_string(&conf).expect("read");
    let text = text.replace("fastcgi_read_timeout 30s;", "# nginx-fpm-lint: ignore X006 reports are cut on purpose\n            fastcgi_read_timeout 30s;");
    std::fs::write(&conf, text).expect("write");
    let out = bin()
        .args(["--no-config", "--format", "concise", "--root"])
        .arg(dir.path())
        .output()
        .expect("run");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        !stdout.contains("X006") && !stdout.contains("LINT001"),
        "{stdout}"
    );
    // php-fpm files take `;` suppressions.
    let fpm = dir.path().join("etc/php/8.2/fpm/php-fpm.conf");
    let text = std::fs::read_to_string(&fpm).expect("read")
        + "; nginx-fpm-lint: ignore FPM003 vendor extension\npm.max_request = 5\n";
    std::fs::write(&fpm, text).expect("write");
    let out = bin()
        .args(["--no-config", "--format", "concise", "--root"])
        .arg(dir.path())
        .output()
        .expect("run");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(!stdout.contains("FPM003"), "{stdout}");
}

#[test]
fn rules_listing_and_rule_docs_are_current() {
    let out = bin().arg("rules").output().expect("run");
    let listing = String::from_utf8_lossy(&out.stdout);
    for rule in lint_cli::all_rules() {
        assert!(
            listing.contains(rule.code),
            "{} missing from `rules`",
            rule.code
        );
        let page = lint_cli::rule_markdown(rule);
        let path =
            Path::new(env!("CARGO_MANIFEST_DIR")).join(format!("docs/rules/{}.md", rule.code));
        if std::env::var_os("UPDATE_DOCS").is_some() {
            std::fs::create_dir_all(path.parent().expect("parent")).expect("mkdir");
            std::fs::write(&path, &page).expect("write");
        }
        let on_disk = std::fs::read_to_string(&path).unwrap_or_default();
        assert_eq!(
            on_disk, page,
            "docs/rules/{}.md is stale: run `UPDATE_DOCS=1 cargo test --test cli`",
            rule.code
        );
    }
    let doc = bin().args(["rule", "X001"]).output().expect("run");
    let text = String::from_utf8_lossy(&doc.stdout);
    assert!(
        text.starts_with("# X001 fastcgi-pass-no-pool")
            && text.contains("Bad:")
            && text.contains("Good:"),
        "{text}"
    );
    assert_eq!(
        bin()
            .args(["rule", "X999"])
            .output()
            .expect("run")
            .status
            .code(),
        Some(2)
    );
}

#[test]
fn nginx_t_dumps_lint_like_the_tree() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/rules/NGX014/bad");
    let conf = std::fs::read_to_string(root.join("etc/nginx/nginx.conf")).expect("read");
    let dump = format!("nginx: the configuration file /etc/nginx/nginx.conf syntax is ok\n# configuration file /etc/nginx/nginx.conf:\n{conf}\n");
    let out = bin()
        .args(["--no-config", "--format", "concise", "--nginx-dump", "-"])
        .write_stdin(dump)
        .output()
        .expect("run");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        stdout.contains("/etc/nginx/nginx.conf:14:34: NGX014"),
        "{stdout}"
    );
}

/// A saved copy of a Debian machine's php-fpm 8.2 under `root`: its php-fpm.conf and one
/// pool file in pool.d.
fn saved_php_fpm(root: &Path, conf: &str, pool_file: &str, pool: &str) {
    let fpm = root.join("etc/php/8.2/fpm");
    std::fs::create_dir_all(fpm.join("pool.d")).expect("mkdir");
    std::fs::write(fpm.join("php-fpm.conf"), conf).expect("write");
    std::fs::write(fpm.join("pool.d").join(pool_file), pool).expect("write");
}

/// Production mode (docs/ci.md): `nginx -T` for nginx, a copy of the machine's /etc for
/// the rest. The root's php-fpm side was not looked for once a dump was given: "No
/// problems found" for a site still pointing at the php8.1 socket after an upgrade to
/// 8.2 (triage 16b). Without a root, a note says php-fpm was not linted.
#[test]
fn a_dump_beside_a_root_is_checked_against_the_roots_php_fpm() {
    let dir = tempfile::tempdir().expect("tmp");
    saved_php_fpm(
        &dir.path().join("root"),
        "[global]\npid = /run/php/php8.2-fpm.pid\ninclude=/etc/php/8.2/fpm/pool.d/*.conf\n",
        "www.conf",
        "[www]\nuser = www-data\ngroup = www-data\nlisten = /run/php/php8.2-fpm.sock\nlisten.owner = www-data\nlisten.group = www-data\npm = static\npm.max_children = 5\n",
    );
    let dump = "# configuration file /etc/nginx/nginx.conf:\nuser www-data;\nevents {}\nhttp {\n    server {\n        listen 80;\n        root /var/www/html;\n        location ~ \\.php$ {\n            fastcgi_param SCRIPT_FILENAME $document_root$fastcgi_script_name;\n            fastcgi_pass unix:/run/php/php8.1-fpm.sock;\n        }\n    }\n}\n";
    std::fs::write(dir.path().join("nginx-T.txt"), dump).expect("write");
    let run = |args: &[&str]| {
        let out = bin()
            .current_dir(dir.path())
            .args([
                "--no-config",
                "--format",
                "concise",
                "--nginx-dump",
                "nginx-T.txt",
            ])
            .args(args)
            .output()
            .expect("run");
        format!(
            "{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        )
    };
    let with_root = run(&["--root", "root"]);
    assert!(
        with_root.contains("/etc/nginx/nginx.conf:9:26: X001"),
        "{with_root}"
    );
    let alone = run(&[]);
    assert!(alone.contains("php-fpm is not linted"), "{alone}");
}

/// Production mode for both servers: `nginx -T` and `php-fpm -tt` output saved on a
/// Debian 12 machine (fixtures/production) whose default site still points at the php7.4
/// socket after the upgrade to 8.2. The `-tt` output was 65 FPM002 errors (each log line
/// read as a section header with text after it), and named as a path it was skipped.
#[test]
fn production_output_of_both_servers_is_cross_checked() {
    let nginx = "fixtures/production/debian12-nginx-T.txt";
    let fpm = "fixtures/production/debian12-php-fpm-tt.txt";
    for args in [vec!["--nginx-dump", nginx, "--fpm", fpm], vec![nginx, fpm]] {
        let out = bin()
            .args(["--no-config", "--format", "concise"])
            .args(&args)
            .output()
            .expect("run");
        let stdout = String::from_utf8_lossy(&out.stdout);
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(1), "{args:?}: {stdout}{stderr}");
        assert!(
            stdout.contains("/etc/nginx/sites-enabled/default:60:16: X001 [error] no php-fpm pool listens on unix:/run/php/php7.4-fpm.sock"),
            "{args:?}: {stdout}{stderr}"
        );
        assert!(!stdout.contains("FPM0"), "{args:?}: {stdout}");
        assert!(
            !stderr.contains("php-fpm is not linted"),
            "{args:?}: {stderr}"
        );
    }
    // The pool as php-fpm took it: the did-you-mean names its socket.
    let out = bin()
        .args([
            "--no-config",
            "--format",
            "json",
            "--nginx-dump",
            nginx,
            "--fpm",
            fpm,
        ])
        .output()
        .expect("run");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(stdout.contains("unix:/run/php/php8.2-fpm.sock"), "{stdout}");
}

/// A copy of the example's `/` (no `.git` above it) in a temporary directory.
fn example_copy() -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("tmp");
    let from = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/example");
    for entry in walkdir::WalkDir::new(&from)
        .into_iter()
        .filter_map(Result::ok)
    {
        let to = dir
            .path()
            .join(entry.path().strip_prefix(&from).expect("inside"));
        if entry.path_is_symlink() {
            let target = std::fs::read_link(entry.path()).expect("link");
            std::os::unix::fs::symlink(target, &to).expect("symlink");
        } else if entry.file_type().is_dir() {
            std::fs::create_dir_all(&to).expect("mkdir");
        } else {
            std::fs::copy(entry.path(), &to).expect("copy");
        }
    }
    dir
}

/// A file of a copy of `/` named on the command line (`nginx-fpm-lint
/// /srv/backup/etc/nginx/sites-enabled/shop.conf`, or the machine's own
/// `/etc/nginx/sites-enabled/shop.conf`) is linted as that copy, whatever the current
/// directory. The repository of such a file was the current directory: from `/` the
/// whole filesystem was walked (22 GB, killed), from elsewhere "no configuration found"
/// (exit 2), and from inside `etc/nginx` the pools were not found (X001 missed); a site
/// named by its sites-available file was "linted on its own" though a link enables it.
#[test]
fn a_file_of_a_copy_of_root_is_linted_as_that_copy_from_any_directory() {
    let copy = example_copy();
    let site = copy.path().join("etc/nginx/sites-enabled/shop.conf");
    let available = copy.path().join("etc/nginx/sites-available/shop.conf");
    let elsewhere = tempfile::tempdir().expect("tmp");
    let nginx_dir = copy.path().join("etc/nginx");
    for (cwd, named) in [
        (Path::new("/"), &site),
        (elsewhere.path(), &site),
        (nginx_dir.as_path(), &site),
        (copy.path(), &site),
        (elsewhere.path(), &available),
    ] {
        let out = bin()
            .current_dir(cwd)
            .args(["--no-config", "--format", "concise"])
            .arg(named)
            .timeout(std::time::Duration::from_secs(120))
            .output()
            .expect("run");
        let stdout = String::from_utf8_lossy(&out.stdout);
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(
            out.status.code(),
            Some(1),
            "{cwd:?} {named:?}: {stdout}{stderr}"
        );
        assert!(
            stdout.contains("sites-enabled/shop.conf:16:22: X001"),
            "{cwd:?} {named:?}: {stdout}{stderr}"
        );
        assert!(
            !stderr.contains("linted on its own"),
            "{cwd:?} {named:?}: {stderr}"
        );
    }
}

/// A forum paste of `nginx -T` cut off inside a server, before its PHP location: what the
/// server lacks may stand after the cut, so NGX207 ("no location passes .php to php-fpm")
/// is a note there, not an error; a duplicate directive in the text that is there stays
/// an error.
#[test]
fn a_dump_cut_off_inside_a_server_does_not_claim_what_it_lacks() {
    let dump = "Here is my config:\n\n```\nroot@web1:~# nginx -T\nnginx: the configuration file /etc/nginx/nginx.conf syntax is ok\nnginx: configuration file /etc/nginx/nginx.conf test is successful\n# configuration file /etc/nginx/nginx.conf:\nuser www-data;\nevents {}\nhttp {\n    include /etc/nginx/sites-enabled/*;\n}\n\n# configuration file /etc/nginx/sites-enabled/app:\nserver {\n    listen 80;\n    root /var/www/app/public;\n    root /var/www/app;\n    index index.php;\n    location / {\n        try_files $uri $uri/ /index.php?$query_string;\n    }\n\n```\n";
    let out = bin()
        .args(["--no-config", "--format", "concise", "--nginx-dump", "-"])
        .write_stdin(dump)
        .output()
        .expect("run");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        stdout.contains("/etc/nginx/sites-enabled/app:5:5: NGX207 [note]"),
        "{stdout}"
    );
    assert!(
        stdout.contains("NGX004 [note] the dump ends inside"),
        "{stdout}"
    );
    assert!(
        stdout.contains("/etc/nginx/sites-enabled/app:4:5: NGX015 [error]"),
        "{stdout}"
    );
}

/// `--root` finds the php-fpm trees of Alpine (`/etc/php83`), Arch (`/etc/php`),
/// Homebrew (`/opt/homebrew/etc`), cPanel and Plesk (under `/opt`), not Debian's alone: their nginx ↔ php-fpm mismatches
/// were "No problems found" (triage 16b, built from each packager's files).
#[test]
fn roots_of_alpine_arch_and_homebrew_are_cross_checked() {
    let site = |listen_dir: &str| {
        format!("user nobody;\nevents {{}}\nhttp {{\n    server {{\n        listen 80;\n        root /srv/www;\n        location ~ \\.php$ {{\n            fastcgi_param SCRIPT_FILENAME $document_root$fastcgi_script_name;\n            fastcgi_pass 127.0.0.1:9000;\n        }}\n    }}\n    include {listen_dir}/*.conf;\n}}\n")
    };
    let pool = "[www]\nuser = nobody\ngroup = nobody\nlisten = /run/php-fpm/php-fpm.sock\nlisten.owner = nobody\nlisten.group = nobody\npm = static\npm.max_children = 5\n";
    for (nginx_dir, fpm_dir) in [
        ("etc/nginx", "etc/php83"),
        ("etc/nginx", "etc/php"),
        ("opt/homebrew/etc/nginx", "opt/homebrew/etc/php/8.3"),
        // cPanel EA4's and Plesk's own php-fpm builds (triage 16d).
        ("etc/nginx", "opt/cpanel/ea-php82/root/etc"),
        ("etc/nginx", "opt/plesk/php/8.2/etc"),
    ] {
        let dir = tempfile::tempdir().expect("tmp");
        let root = dir.path();
        std::fs::create_dir_all(root.join(nginx_dir).join("servers")).expect("mkdir");
        std::fs::create_dir_all(root.join(fpm_dir).join("php-fpm.d")).expect("mkdir");
        std::fs::write(
            root.join(nginx_dir).join("nginx.conf"),
            site(&format!("/{nginx_dir}/servers")),
        )
        .expect("write");
        std::fs::write(
            root.join(fpm_dir).join("php-fpm.conf"),
            format!("[global]\nerror_log = log/php-fpm.log\ninclude=/{fpm_dir}/php-fpm.d/*.conf\n"),
        )
        .expect("write");
        std::fs::write(root.join(fpm_dir).join("php-fpm.d/www.conf"), pool).expect("write");
        let out = bin()
            .args(["--no-config", "--format", "concise", "--root"])
            .arg(root)
            .output()
            .expect("run");
        let stdout = String::from_utf8_lossy(&out.stdout);
        assert!(stdout.contains("X002"), "{fpm_dir}: {stdout}");
    }
}

/// Server trees commit the pool they edited, not the package's untouched main file: RHEL's
/// `etc/php-fpm.d/www.conf`, FreeBSD's `usr/local/etc/php-fpm.d/www.conf`. The package's
/// php-fpm.conf (which includes that folder) is supplied, so nginx and the pools are
/// cross-checked; they were "No problems found" for 8 of 17 server trees (triage 17b).
/// A tree that keeps its own main file is read as it is (here: one that includes nothing).
#[test]
fn pools_kept_without_their_main_file_are_read_through_the_packages_one() {
    let site = "user nginx;\nevents {}\nhttp {\n    server {\n        listen 80;\n        root /srv/www;\n        location ~ \\.php$ {\n            fastcgi_param SCRIPT_FILENAME $document_root$fastcgi_script_name;\n            fastcgi_pass 127.0.0.1:9000;\n        }\n    }\n}\n";
    let pool = "[www]\nuser = nginx\ngroup = nginx\nlisten = /run/php-fpm/www.sock\nlisten.owner = nginx\nlisten.group = nginx\npm = static\npm.max_children = 5\n";
    let run = |nginx_dir: &str, fpm_dir: &str, main: Option<&str>| {
        let dir = tempfile::tempdir().expect("tmp");
        let root = dir.path();
        std::fs::create_dir_all(root.join(nginx_dir)).expect("mkdir");
        std::fs::create_dir_all(root.join(fpm_dir).join("php-fpm.d")).expect("mkdir");
        std::fs::write(root.join(nginx_dir).join("nginx.conf"), site).expect("write");
        std::fs::write(root.join(fpm_dir).join("php-fpm.d/www.conf"), pool).expect("write");
        if let Some(main) = main {
            std::fs::write(root.join(fpm_dir).join("php-fpm.conf"), main).expect("write");
        }
        let out = bin()
            .args(["--no-config", "--format", "concise", "--root"])
            .arg(root)
            .output()
            .expect("run");
        String::from_utf8_lossy(&out.stdout).into_owned()
    };
    for (nginx_dir, fpm_dir) in [
        ("etc/nginx", "etc"),
        ("usr/local/etc/nginx", "usr/local/etc"),
    ] {
        let text = run(nginx_dir, fpm_dir, None);
        assert!(text.contains("X002"), "{fpm_dir}: {text}");
        let text = run(
            nginx_dir,
            fpm_dir,
            Some("[global]\nerror_log = /var/log/php-fpm.log\n"),
        );
        assert!(
            !text.contains("X002"),
            "{fpm_dir} with its own main file: {text}"
        );
    }
}

/// A copy of a Debian server's /etc (sites-enabled/) without the package database is
/// Debian's nginx (before 1.25), as repository mode reads the same tree: `ssl on;` is the
/// deprecation warning nginx 1.22 prints, not an unknown directive, and the port speaks TLS
/// (triage 17b: NGX010 error, NGX103 "plain HTTP", NGX104 on a sample config).
#[test]
fn a_debian_layout_without_package_data_is_read_as_debians_nginx() {
    let dir = tempfile::tempdir().expect("tmp");
    let root = dir.path();
    std::fs::create_dir_all(root.join("etc/nginx/sites-enabled")).expect("mkdir");
    std::fs::write(
        root.join("etc/nginx/nginx.conf"),
        "user www-data;\nevents {}\nhttp {\n    include /etc/nginx/sites-enabled/*;\n}\n",
    )
    .expect("write");
    std::fs::write(
        root.join("etc/nginx/sites-enabled/site.conf"),
        "server {\n    listen 443;\n    server_name example.com;\n    ssl on;\n    ssl_certificate /etc/ssl/certs/ssl-cert-snakeoil.pem;\n    ssl_certificate_key /etc/ssl/private/ssl-cert-snakeoil.key;\n}\n",
    )
    .expect("write");
    // 1.22 is a guess: a directive of newer nginx (`http2 on;`, 1.25.1) is a note, not an
    // error (FeministWiki's Debian tree runs a newer nginx).
    std::fs::write(
        root.join("etc/nginx/sites-enabled/h2.conf"),
        "server {\n    listen 8443 ssl;\n    http2 on;\n    brotli on;\n    server_name h2.example.com;\n    ssl_certificate /etc/ssl/certs/ssl-cert-snakeoil.pem;\n    ssl_certificate_key /etc/ssl/private/ssl-cert-snakeoil.key;\n}\n",
    )
    .expect("write");
    for args in [vec!["--root"], vec![]] {
        let out = bin()
            .args(["--no-config", "--format", "concise"])
            .args(&args)
            .arg(root)
            .output()
            .expect("run");
        let text = String::from_utf8_lossy(&out.stdout);
        assert!(text.contains("NGX018"), "{args:?}: {text}");
        for code in ["NGX010 [error]", "NGX103", "NGX104"] {
            assert!(!text.contains(code), "{args:?} {code}: {text}");
        }
        assert!(
            text.contains("NGX010 [note] unknown directive \"http2\""),
            "{args:?}: {text}"
        );
        // A third-party module's directive is judged as before: the module is not loaded.
        assert!(
            text.contains("NGX010 [warning] unknown directive \"brotli\""),
            "{args:?}: {text}"
        );
    }
}

/// `--root DIR DIR`, the copy of / named both ways as `--help` invites, lints what
/// `--root DIR` lints: read under the root, the path was `DIR/DIR` (triage 16d: "No
/// problems found" on a tree whose nginx.conf was never read).
#[test]
fn a_root_named_again_as_the_path_is_the_root() {
    let run = |args: &[&str]| {
        let out = bin()
            .args(["--no-config", "--format", "concise"])
            .args(args)
            .output()
            .expect("run");
        String::from_utf8_lossy(&out.stdout).into_owned()
    };
    let once = run(&["--root", "fixtures/example"]);
    assert!(once.contains("X001"), "{once}");
    assert_eq!(
        run(&["--root", "fixtures/example", "fixtures/example"]),
        once
    );
    assert_eq!(run(&["--root", "fixtures/example", "/"]), once);
}

/// A site copied from an application's docs and linted on its own includes what its
/// distribution ships (`fastcgi.conf`): read as Debian's package has it when it is not
/// beside the file. It was an NGX002 error, and NGX201 "no SCRIPT_FILENAME" followed
/// (15 of 17 published configs, triage 16c). A file nobody ships is read from the
/// directory of an nginx.conf a lone file does not have: a note says it was not checked
/// (an error claimed it missing from the user's /etc/nginx: the WordPress handbook's
/// `include global/wordpress.conf;`, triage 22a).
#[test]
fn a_lone_site_reads_the_stock_files_it_includes() {
    let dir = tempfile::tempdir().expect("tmp");
    let site = "server {\n    listen 80;\n    root /var/www/wordpress;\n    location ~ \\.php$ {\n        include fastcgi.conf;\n        include snippets/fastcgi-php.conf;\n        fastcgi_pass unix:/run/php/php8.2-fpm.sock;\n    }\n    include own-rules.conf;\n}\n";
    std::fs::write(dir.path().join("wordpress.conf"), site).expect("write");
    let out = bin()
        .current_dir(dir.path())
        .args([
            "--no-config",
            "--format",
            "concise",
            "--nginx",
            "wordpress.conf",
        ])
        .output()
        .expect("run");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(!stdout.contains("NGX201"), "{stdout}");
    assert!(!stdout.contains("fastcgi.conf\" failed"), "{stdout}");
    assert!(!stdout.contains("fastcgi-php.conf\" failed"), "{stdout}");
    assert!(
        stdout.contains("wordpress.conf:9:5: NGX005 [note] \"own-rules.conf\" is read from the directory of the nginx.conf that includes this file"),
        "{stdout}"
    );
    assert!(!stdout.contains("NGX002"), "{stdout}");
}

#[test]
fn dump_tree_shows_files_and_lines() {
    let out = bin()
        .args([
            "--root",
            "fixtures/example",
            "dump-tree",
            "/etc/nginx/nginx.conf",
        ])
        .output()
        .expect("run");
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("fastcgi_pass unix:/run/php/php8.1-fpm.sock;    # /etc/nginx/sites-enabled/shop.conf:16"), "{text}");
    // A directory is not a main file: said so, exit 2 (it read as `open() ""` before).
    for args in [
        &["dump-tree", "fixtures/example"][..],
        &["--root", "fixtures/example", "dump-tree", "/etc/nginx"],
    ] {
        let out = bin().args(args).output().expect("run");
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {err}");
        assert!(err.contains("is a directory"), "{args:?}: {err}");
    }
}

#[test]
fn hostile_input_gives_diagnostics_not_crashes() {
    let dir = tempfile::tempdir().expect("tmp");
    let nginx = dir.path().join("etc/nginx");
    std::fs::create_dir_all(&nginx).expect("mkdir");
    let mut garbage: Vec<u8> = (0..=255u8).cycle().take(100_000).collect();
    garbage.extend("http {".repeat(100_000).as_bytes());
    std::fs::write(nginx.join("nginx.conf"), &garbage).expect("write");
    let out = bin()
        .args(["--no-config", "--format", "concise", "--root"])
        .arg(dir.path())
        .output()
        .expect("run");
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stdout).contains("NGX001"));
}

#[test]
fn opt_in_rules_report_only_when_selected() {
    // (fixture, code, rule name, gixy plugin name)
    for (root, code, name, alias) in [
        (
            "fixtures/rules/SEC080/bad",
            "SEC080",
            "worker-processes-unset",
            "missing_worker_processes",
        ),
        (
            "fixtures/rules/SEC047/bad",
            "SEC047",
            "try-files-without-open-file-cache",
            "try_files_is_evil_too",
        ),
    ] {
        let run = |select: Option<&str>| {
            let mut cmd = bin();
            cmd.args(["--no-config", "--format", "concise", "--root", root]);
            if let Some(s) = select {
                cmd.args(["--select", s]);
            }
            String::from_utf8_lossy(&cmd.output().expect("run").stdout).into_owned()
        };
        // Advice (no worker_processes, no open_file_cache) is not part of a default run.
        let default = run(None);
        assert!(!default.contains(code), "{root}:\n{default}");
        for selector in ["SEC", code, name, alias] {
            let out = run(Some(selector));
            assert!(
                out.contains(&format!(": {code} [")),
                "{root} --select {selector}:\n{out}"
            );
        }
        // Selecting something else does not bring it in either.
        assert!(!run(Some("NGX")).contains(code));
    }
}

#[test]
fn diff_shows_every_pass_and_writes_nothing() {
    // `fastcgi_pas` is a typo NGX010 corrects; only once it is `fastcgi_pass` is the
    // location a PHP location, and then X001 repoints it at the pool's socket: two passes.
    let temp = tempfile::tempdir().expect("temp dir");
    let tree = temp.path().join("tree");
    test_support::copy_tree(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/fix/X001/before"),
        &tree,
    );
    let conf = tree.join("etc/nginx/nginx.conf");
    let text = std::fs::read_to_string(&conf).expect("read");
    let broken = text.replace(
        "fastcgi_pass unix:/run/php/php8.1-fpm.sock;",
        "fastcgi_pas unix:/run/php/php8.1-fpm.sock;",
    );
    assert_ne!(text, broken, "the fixture has the line to break");
    std::fs::write(&conf, &broken).expect("write");
    let mtime = std::fs::metadata(&conf)
        .and_then(|m| m.modified())
        .expect("mtime");
    let run = |flag: &str| {
        Command::cargo_bin("nginx-fpm-lint")
            .expect("binary")
            .current_dir(temp.path())
            .env("NO_COLOR", "1")
            .args(["--no-config", flag, "--root", "tree"])
            .output()
            .expect("run")
    };
    let out = run("--diff");
    let diff = String::from_utf8_lossy(&out.stdout);
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{diff}{err}");
    assert!(
        diff.contains("-            fastcgi_pas unix:/run/php/php8.1-fpm.sock;\n")
            && diff.contains("+            fastcgi_pass unix:/run/php/php8.2-fpm.sock;\n"),
        "both passes' edits (the name, then the socket) in one diff:\n{diff}"
    );
    assert!(err.contains("2 fixes in 1 file(s) over 2 passes"), "{err}");
    assert_eq!(std::fs::read_to_string(&conf).expect("read"), broken);
    assert_eq!(
        std::fs::metadata(&conf)
            .and_then(|m| m.modified())
            .expect("mtime"),
        mtime
    );
    // --fix writes exactly what --diff showed.
    run("--fix");
    let fixed = std::fs::read_to_string(&conf).expect("read");
    assert_eq!(
        fixed,
        broken.replace(
            "fastcgi_pas unix:/run/php/php8.1-fpm.sock;",
            "fastcgi_pass unix:/run/php/php8.2-fpm.sock;"
        )
    );
}

/// A pool file linted on its own that sets neither `pm` nor `pm.max_children` is a drop-in
/// over a pool other files define (the official php image's zz-docker.conf only moves
/// `listen`): a note, not two FPM006 errors. A pool that sets `pm` without
/// `pm.max_children` is still an error.
#[test]
fn a_pool_drop_in_linted_alone_is_not_missing_its_required_settings() {
    let dir = tempfile::tempdir().expect("tmp");
    std::fs::write(
        dir.path().join("zz-docker.conf"),
        "[global]\ndaemonize = no\n\n[www]\nlisten = 9000\n",
    )
    .expect("write");
    std::fs::write(
        dir.path().join("www.conf"),
        "[www]\nlisten = 9000\npm = dynamic\n",
    )
    .expect("write");
    let run = |file: &str| concise_in(dir.path(), &["--fpm", file]);
    let drop_in = run("zz-docker.conf");
    assert!(
        drop_in.contains("FPM006 [note] [pool www] sets neither pm nor pm.max_children"),
        "{drop_in}"
    );
    assert!(!drop_in.contains("[error]"), "{drop_in}");
    let pool = run("www.conf");
    assert!(pool.contains("FPM006 [error]"), "{pool}");
}

/// `--root copy --nginx copy/etc/nginx/nginx.conf` (the path as this machine names it,
/// relative or absolute) reads the same files as the path inside the root: it was read
/// at `copy/copy/etc/...` and reported missing (FPM005/NGX004 at a doubled path).
#[test]
fn paths_given_with_root_as_this_machine_names_them_are_read_inside_it() {
    let run = |nginx: &str, fpm: &str| {
        let out = bin()
            .args([
                "--no-config",
                "--format",
                "concise",
                "--root",
                "fixtures/example",
            ])
            .args(["--nginx", nginx, "--fpm", fpm])
            .output()
            .expect("run");
        String::from_utf8_lossy(&out.stdout).into_owned()
    };
    let inside = run("/etc/nginx/nginx.conf", "/etc/php/8.2/fpm/php-fpm.conf");
    let absolute = format!(
        "{}/fixtures/example/etc/php/8.2/fpm/php-fpm.conf",
        env!("CARGO_MANIFEST_DIR")
    );
    let host = run("fixtures/example/etc/nginx/nginx.conf", &absolute);
    assert!(inside.contains("X00"), "{inside}");
    assert_eq!(inside, host);
    assert!(!host.contains("not provided"), "{host}");
}

/// Main-level lines another file includes are no whole nginx.conf: Debian's
/// modules-enabled/ `load_module` files, a `stream` snippet, an include-only file (h5bp's
/// basic.conf) and a commented-out one get no "no events section" error, and their
/// relative includes are notes (triage T, session 26). A file named nginx.conf, or with
/// `worker_processes`, still needs its `events`.
#[test]
fn main_level_snippets_are_not_whole_configurations() {
    let dir = tempfile::tempdir().expect("tmp");
    let files = [
        ("50-mod-http-geoip.conf", "load_module modules/ngx_http_geoip_module.so;\n"),
        ("stream.conf", "stream {\n    server {\n        listen 3307;\n        proxy_pass 127.0.0.1:3306;\n    }\n}\n"),
        ("basic.conf", "include h5bp/security/referrer-policy.conf;\ninclude h5bp/location/security_file_access.conf;\n"),
        ("off.conf", "# server {\n#     listen 80;\n# }\n"),
        ("nginx.conf", "http {\n}\n"),
        ("proxy.conf", "worker_processes 1;\nstream {\n}\n"),
    ];
    for (name, text) in files {
        std::fs::write(dir.path().join(name), text).expect("write");
    }
    let lint = |name: &str| concise_in(dir.path(), &["--nginx", name]);
    for name in [
        "50-mod-http-geoip.conf",
        "stream.conf",
        "basic.conf",
        "off.conf",
    ] {
        let stdout = lint(name);
        assert!(!stdout.contains("NGX016"), "{name}: {stdout}");
        assert!(!stdout.contains("[error]"), "{name}: {stdout}");
    }
    assert!(
        lint("basic.conf").contains("basic.conf:1:1: NGX005 [note] \"h5bp/security/referrer-policy.conf\" is read from the directory"),
        "{}",
        lint("basic.conf")
    );
    for name in ["nginx.conf", "proxy.conf"] {
        let stdout = lint(name);
        assert!(
            stdout.contains("NGX016 [error] no \"events\" section"),
            "{name}: {stdout}"
        );
    }
}

/// `--root DIR --nginx FILE` with a file of this machine outside the root: the paths are
/// read inside the root, so the file cannot be; said as a usage error naming both, not an
/// "open() failed" on a path the user never wrote (triage T, session 26).
#[test]
fn a_file_outside_the_root_is_a_usage_error() {
    let dir = tempfile::tempdir().expect("tmp");
    std::fs::create_dir_all(dir.path().join("copy/etc/nginx")).expect("mkdir");
    std::fs::write(dir.path().join("site.conf"), "server { listen 80; }\n").expect("write");
    let out = bin()
        .current_dir(dir.path())
        .args(["--no-config", "--root", "copy", "--nginx", "site.conf"])
        .output()
        .expect("run");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.contains("site.conf: with --root copy, files are read inside the root (copy/site.conf does not exist)"),
        "{stderr}"
    );
}

/// A proxy_params-style snippet read on its own is included after its includer's
/// proxy_pass: `proxy_redirect default;` there is no error (regression check of session
/// 26); in a whole configuration before the block's proxy_pass it is.
#[test]
fn proxy_redirect_default_in_a_lone_snippet_is_not_judged() {
    let dir = tempfile::tempdir().expect("tmp");
    std::fs::write(
        dir.path().join("proxy_params"),
        "proxy_redirect default;\nproxy_set_header X-Real-IP $remote_addr;\n",
    )
    .expect("write");
    std::fs::write(
        dir.path().join("nginx.conf"),
        "events {}\nhttp {\n    server {\n        listen 80;\n        location / {\n            proxy_redirect default;\n            proxy_pass http://127.0.0.1:8080;\n        }\n    }\n}\n",
    )
    .expect("write");
    let lint = |name: &str| concise_in(dir.path(), &["--nginx", name]);
    assert!(
        !lint("proxy_params").contains("NGX014"),
        "{}",
        lint("proxy_params")
    );
    assert!(
        lint("nginx.conf").contains("nginx.conf:6:13: NGX014 [error] \"proxy_redirect default\" should be placed after the \"proxy_pass\" directive"),
        "{}",
        lint("nginx.conf")
    );
}

/// A baseline hides the findings it records, wherever the run starts from and when lines
/// move above them; a new finding still shows and fails the run; the config file can
/// name the baseline; a file that is no report is a usage error.
#[test]
fn baseline_hides_recorded_findings_and_shows_new_ones() {
    let dir = tempfile::tempdir().expect("tmp");
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/example");
    copy_tree(&root, dir.path());
    let run = |cwd: &Path, args: &[&str]| {
        let out = Command::cargo_bin("nginx-fpm-lint")
            .expect("bin")
            .current_dir(cwd)
            .args(args)
            .output()
            .expect("run");
        (
            String::from_utf8_lossy(&out.stdout).into_owned(),
            String::from_utf8_lossy(&out.stderr).into_owned(),
            out.status.code(),
        )
    };
    let (report, _, _) = run(
        dir.path(),
        &[
            "--no-config",
            "--root",
            ".",
            "--format",
            "json",
            "--exit-zero",
        ],
    );
    let recorded = report.matches("\"fingerprint\"").count();
    assert!(recorded >= 8, "{report}");
    std::fs::write(dir.path().join("baseline.json"), &report).expect("write");

    // Lines inserted above every finding of one file; run from a subdirectory.
    let site = dir.path().join("etc/nginx/sites-enabled/admin.conf");
    let text = std::fs::read_to_string(&site).expect("read");
    std::fs::write(&site, format!("# moved\n# down\n{text}")).expect("write");
    let (out, err, code) = run(
        &dir.path().join("etc"),
        &[
            "--no-config",
            "--root",
            "..",
            "--format",
            "concise",
            "--baseline",
            "../baseline.json",
        ],
    );
    assert_eq!(out, "No problems found.\n", "{err}");
    assert!(
        err.contains(&format!("{recorded} findings of the baseline")),
        "{err}"
    );
    assert_eq!(code, Some(0));

    // A new finding shows; the config file names the baseline.
    let pool = dir.path().join("etc/php/8.2/fpm/pool.d/blog.conf");
    let text = std::fs::read_to_string(&pool).expect("read");
    std::fs::write(&pool, format!("{text}pm.max_children = 0\n")).expect("write");
    std::fs::write(
        dir.path().join(".nginx-fpm-lint.toml"),
        "baseline = \"baseline.json\"\n",
    )
    .expect("write");
    let (out, err, code) = run(dir.path(), &["--root", ".", "--format", "concise"]);
    let (found, summary) = out
        .trim_end()
        .rsplit_once('\n')
        .expect("findings and summary");
    assert!(found.contains("FPM006"), "{out}{err}");
    assert!(
        found.lines().all(|l| l.contains("blog.conf")),
        "only new ones: {out}"
    );
    assert!(summary.starts_with("Found "), "{out}");
    assert_eq!(code, Some(1));

    std::fs::write(dir.path().join("baseline.json"), "listen 80;\n").expect("write");
    let (_, err, code) = run(dir.path(), &["--root", ".", "--format", "concise"]);
    assert!(
        err.contains("baseline") && err.contains("not JSON"),
        "{err}"
    );
    assert_eq!(code, Some(2));
}

/// The code and notes of each finding of `--root fixtures/rules/<fixture>` in JSON.
fn codes_and_notes(fixture: &str, args: &[&str]) -> Vec<(String, Vec<String>)> {
    let root = format!("fixtures/rules/{fixture}");
    let out = bin()
        .args(["--no-config", "--format", "json", "--root", &root])
        .args(args)
        .output()
        .expect("run");
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
    json["diagnostics"]
        .as_array()
        .expect("diagnostics")
        .iter()
        .map(|d| {
            let notes = d["notes"].as_array().expect("notes");
            (
                d["code"].as_str().unwrap_or_default().to_string(),
                notes
                    .iter()
                    .filter_map(|n| n.as_str().map(str::to_string))
                    .collect(),
            )
        })
        .collect()
}

#[test]
fn a_finding_resting_on_a_refused_statement_is_a_note_of_the_refusal() {
    // `user http;` names no user: X003 ("nginx runs as http ...") is said in NGX026's notes.
    let found = codes_and_notes("NGX026/bad-arch-user-on-debian-with-a-php-pool", &[]);
    let codes: Vec<&str> = found.iter().map(|(c, _)| c.as_str()).collect();
    assert_eq!(codes, ["NGX026"], "{found:?}");
    assert!(
        found[0]
            .1
            .iter()
            .any(|n| n.starts_with("X003 rests on what is refused here")
                && n.contains("nginx runs as \"http\"")),
        "{found:?}"
    );
    // The second `fastcgi_pass` of a location, which nginx rejects: X002 in NGX015's notes.
    let found = codes_and_notes("NGX015/bad-fastcgi-pass-twice-second-reaches-no-pool", &[]);
    assert_eq!(found.len(), 1, "{found:?}");
    assert!(
        found[0].1.iter().any(|n| n.starts_with("X002 ")),
        "{found:?}"
    );
    // A refusal the run does not report carries nothing: the finding stands on its own.
    let found = codes_and_notes(
        "NGX026/bad-arch-user-on-debian-with-a-php-pool",
        &["--select", "X003"],
    );
    let codes: Vec<&str> = found.iter().map(|(c, _)| c.as_str()).collect();
    assert_eq!(codes, ["X003"], "{found:?}");
    // A refusal of another statement (the pool's `user`) leaves X003 a finding of its own.
    let found = codes_and_notes("X003/bad-pool-user-unknown-too", &[]);
    assert!(found.iter().any(|(c, _)| c == "X003"), "{found:?}");
}

#[test]
fn a_var_run_socket_is_printed_as_written_and_matched_as_run() {
    // X001: the message keeps `/var/run`, and a note says it is compared as `/run`.
    let out = bin()
        .args(["--no-config", "--format", "json", "--root"])
        .arg("fixtures/rules/X001/bad-var-run-spelling")
        .output()
        .expect("run");
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
    let d = &json["diagnostics"][0];
    assert_eq!(d["code"], "X001", "{json}");
    assert_eq!(
        d["message"], "no php-fpm pool listens on unix:/var/run/php/php8.1-fpm.sock",
        "{json}"
    );
    let notes = d["notes"].to_string();
    assert!(
        notes.contains("`/var/run/php/php8.1-fpm.sock` is compared as `/run/php/php8.1-fpm.sock`"),
        "{notes}"
    );
    // X003: nginx and the pool spell one socket two ways; the note says they are one.
    let found = codes_and_notes("X003/bad-var-run-spelling", &[]);
    assert_eq!(found.len(), 1, "{found:?}");
    assert!(
        found[0].1.iter().any(|n| n.starts_with(
            "nginx writes `/var/run/php/php8.2-fpm.sock` and the pool `/run/php/php8.2-fpm.sock`: one socket"
        )),
        "{found:?}"
    );
    // The same spelling on both sides: no such note.
    let found = codes_and_notes("X003/bad", &[]);
    assert!(
        found
            .iter()
            .all(|(_, notes)| notes.iter().all(|n| !n.starts_with("nginx writes"))),
        "{found:?}"
    );
}

/// `--nginx-dump` with `--fpm` naming a saved copy's php-fpm.conf, no `--root`: its
/// `include=/etc/php/8.2/fpm/pool.d/*.conf` names the saved machine's folder. php-fpm 8.2
/// run here on that file reads this machine's pools (checked: `php-fpm8.2 -tt` lists
/// `[www]`, not the copy's `[shop]`); the linter reads the copy's, as the saved machine
/// did, and a note says which were read.
#[test]
fn a_saved_copys_php_fpm_conf_reads_its_absolute_include_in_the_copy() {
    let dir = tempfile::tempdir().expect("tmp");
    saved_php_fpm(
        &dir.path().join("saved"),
        "[global]\nerror_log = /var/log/php8.2-fpm.log\ninclude=/etc/php/8.2/fpm/pool.d/*.conf\n",
        "shop.conf",
        "[shop]\nuser = www-data\ngroup = www-data\nlisten = /run/php/ed-shop.sock\nlisten.owner = www-data\nlisten.group = www-data\npm = ondemand\npm.max_children = 4\n",
    );
    let dump = "# configuration file /etc/nginx/nginx.conf:\nuser www-data;\nevents { worker_connections 64; }\nhttp {\n    server {\n        listen 80 default_server;\n        root /var/www/shop;\n        location ~ \\.php$ {\n            fastcgi_param REQUEST_METHOD $request_method;\n            fastcgi_param SCRIPT_FILENAME $document_root$fastcgi_script_name;\n            fastcgi_pass unix:/run/php/ed-shop.sock;\n        }\n    }\n}\n";
    std::fs::write(dir.path().join("dump.txt"), dump).expect("write");
    let run = || {
        let out = bin()
            .current_dir(dir.path())
            .args([
                "--no-config",
                "--format",
                "concise",
                "--nginx-dump",
                "dump.txt",
            ])
            .args(["--fpm", "saved/etc/php/8.2/fpm/php-fpm.conf"])
            .output()
            .expect("run");
        format!(
            "{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        )
    };
    let text = run();
    assert!(!text.contains("X001"), "{text}");
    assert!(
        text.contains("`include=/etc/php/8.2/fpm/pool.d/*.conf` names a folder of the machine it was saved from: read in the copy"),
        "{text}"
    );
    assert!(text.contains("give --root "), "{text}");
    // The copy without the folder: nothing of it is read there, and X001 comes back (the
    // pool is in no folder read), with a note when this machine has the folder.
    std::fs::remove_dir_all(dir.path().join("saved/etc/php/8.2/fpm/pool.d")).expect("rm");
    let text = run();
    assert!(text.contains("X001"), "{text}");
    assert!(!text.contains("read in the copy"), "{text}");
}

#[test]
fn pool_limits_of_hours_are_one_note_for_every_app() {
    // YunoHost's shape: every app's pool has `request_terminate_timeout = 1d`, nginx keeps
    // 60 s. One X006 note, the other app's place listed in it.
    let found = codes_and_notes(
        "X006/bad-hour-scale-limit-on-every-app",
        &["--select", "X006"],
    );
    assert_eq!(found.len(), 1, "{found:?}");
    assert!(
        found[0]
            .1
            .iter()
            .any(|n| n == "the same holds in 1 more place (one note for all)"),
        "{found:?}"
    );
    // Under an hour it stays a warning per place.
    let out = bin()
        .args(["--no-config", "--format", "json", "--root"])
        .arg("fixtures/rules/X006/bad-limit-under-an-hour")
        .output()
        .expect("run");
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
    assert_eq!(json["diagnostics"][0]["severity"], "warning", "{json}");
}
