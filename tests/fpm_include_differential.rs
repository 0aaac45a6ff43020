//! FPM005 (fpm-include-error) against the real `php-fpm -t`: `include=` patterns whose
//! folder is missing, empty, a file, or holds pools, with and without wildcards. php-fpm
//! globs with GLOB_ERR: a wildcard in a folder that does not exist stops it
//! (`Unable to globalize '...' (ret=2)`, "failed to load configuration file"), while a
//! pattern that matches nothing in a folder that exists, a literal name in a missing
//! folder, or a wildcard folder that matches nothing only warns (`Nothing matches the
//! include pattern`). The linter reads the same disk (`--root /`, server mode): its
//! FPM005 error must be reported exactly where php-fpm refuses, with php-fpm's words, and
//! its warning where php-fpm warns.
//!
//! Skips with a reason when php-fpm is missing, except that a missing php-fpm fails in
//! CI.

use assert_cmd::Command as BinCommand;

/// The include patterns under test (`{dir}` is the case's directory, which holds
/// `pools/www.conf`, an empty `empty/` and a file `a-file`).
const CASES: &[&str] = &[
    "{dir}/missing/*.conf",
    "{dir}/missing/sub/*.conf",
    "{dir}/missing/*",
    "{dir}/empty/*.conf",
    "{dir}/missing/x.conf",
    "{dir}/miss*/x.conf",
    "{dir}/*/missing/*.conf",
    "{dir}/a-file/*.conf",
    "{dir}/pools/*.conf",
];

fn fpm_available() -> bool {
    test_support::binaries_or_skip("the include differential", &["php-fpm8.2"])
}

#[test]
fn fpm005_is_an_error_exactly_where_php_fpm_t_refuses_an_include() {
    if !fpm_available() {
        return;
    }
    let tmp = tempfile::tempdir().expect("tmp");
    let (mut refused_count, mut passed) = (0, 0);
    for (i, pattern) in CASES.iter().enumerate() {
        let dir = tmp.path().join(format!("case{i}"));
        for sub in ["pools", "empty"] {
            std::fs::create_dir_all(dir.join(sub)).expect("mkdir");
        }
        std::fs::write(dir.join("a-file"), "").expect("write");
        std::fs::write(
            dir.join("pools/www.conf"),
            format!(
                "[www]\nuser = www-data\ngroup = www-data\nlisten = {}/www.sock\npm = static\npm.max_children = 1\n",
                dir.display()
            ),
        )
        .expect("write");
        let pattern = pattern.replace("{dir}", &dir.display().to_string());
        let conf = dir.join("php-fpm.conf");
        // A pool of its own, so that the file loads whatever the include brings.
        let text = format!(
            "[global]\nerror_log = {d}/error.log\npid = {d}/php-fpm.pid\ninclude = {pattern}\n\n[main]\nuser = www-data\ngroup = www-data\nlisten = {d}/main.sock\npm = static\npm.max_children = 1\n",
            d = dir.display()
        );
        std::fs::write(&conf, &text).expect("write");
        let (refused, stderr) = test_support::php_fpm_t(&conf);
        assert!(
            !refused || stderr.contains("Unable to globalize"),
            "`{pattern}`: php-fpm fails for another reason:\n{stderr}"
        );
        let out = BinCommand::cargo_bin("nginx-fpm-lint")
            .expect("binary")
            .args(["--no-config", "--format", "concise", "--root", "/", "--fpm"])
            .arg(&conf)
            .output()
            .expect("run the linter");
        let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
        let finding = |severity: &str| {
            stdout
                .lines()
                .find(|l| l.contains(&format!(": FPM005 [{severity}] ")))
                .map(|l| l.split_once("] ").map_or(l, |(_, m)| m).to_string())
        };
        let error = finding("error");
        assert_eq!(
            refused,
            error.is_some(),
            "`{pattern}`: php-fpm -t {}, FPM005 error {}\n{stderr}\n{stdout}",
            if refused { "fails" } else { "passes" },
            if error.is_some() {
                "reported"
            } else {
                "not reported"
            }
        );
        if let Some(message) = &error {
            // php-fpm's words, up to the linter's reason after them.
            let words = message.split(": its directory").next().unwrap_or(message);
            assert!(stderr.contains(words), "{message}\n{stderr}");
            refused_count += 1;
        } else {
            // Where php-fpm warns that nothing matches, the linter warns too.
            let warned = stderr.contains("Nothing matches the include pattern");
            assert_eq!(
                warned,
                finding("warning").is_some(),
                "`{pattern}`: php-fpm {} warn\n{stderr}\n{stdout}",
                if warned { "does" } else { "does not" }
            );
            passed += 1;
        }
    }
    assert!(
        refused_count >= 3 && passed >= 5 && refused_count + passed == CASES.len(),
        "refused {refused_count}, passed {passed}"
    );
}
