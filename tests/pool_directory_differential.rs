//! FPM115 (pool-directory-missing) against the real `php-fpm -t`: pools whose `chroot`
//! and `chdir` name directories that exist, do not exist or are files, a `chdir` inside
//! a `chroot`, and `$pool` in the path. php-fpm checks them while it reads its
//! configuration and stops with `the chdir path '...' does not exist or is not a
//! directory` exactly where FPM115 is reported, with the same words (the linter reads
//! the same disk, `--root /`).
//!
//! Skips with a reason when php-fpm is missing, except that a missing php-fpm fails in
//! CI.

use assert_cmd::Command as BinCommand;

/// The pool lines under test (`{dir}` is the case's directory).
const CASES: &[&str] = &[
    "chdir = {dir}/missing",
    "chdir = {dir}/app",
    "chdir = {dir}/a-file",
    "chroot = {dir}/jail",
    "chroot = {dir}/no-jail",
    "chroot = {dir}/jail\nchdir = /inside",
    "chroot = {dir}/jail\nchdir = /app",
    "chroot = {dir}/$pool",
    "chroot = {dir}/no-$pool",
];

fn fpm_available() -> bool {
    test_support::binaries_or_skip("the pool directory differential", &["php-fpm8.2"])
}

#[test]
fn fpm115_is_reported_exactly_where_php_fpm_t_refuses_a_directory() {
    if !fpm_available() {
        return;
    }
    let tmp = tempfile::tempdir().expect("tmp");
    let (mut failed, mut passed) = (0, 0);
    for (i, lines) in CASES.iter().enumerate() {
        let dir = tmp.path().join(format!("case{i}"));
        for sub in ["app", "jail/inside", "www"] {
            std::fs::create_dir_all(dir.join(sub)).expect("mkdir");
        }
        std::fs::write(dir.join("a-file"), "").expect("write");
        let lines = lines.replace("{dir}", &dir.display().to_string());
        let conf = dir.join("php-fpm.conf");
        let text = format!(
            "[global]\nerror_log = {d}/error.log\npid = {d}/php-fpm.pid\n\n[www]\nuser = www-data\ngroup = www-data\nlisten = {d}/php-fpm.sock\npm = static\npm.max_children = 1\n{lines}\n",
            d = dir.display()
        );
        std::fs::write(&conf, &text).expect("write");
        let (refused, stderr) = test_support::php_fpm_t(&conf);
        assert!(
            !refused || stderr.contains("does not exist or is not a directory"),
            "`{lines}`: php-fpm fails for another reason:\n{stderr}"
        );
        let out = BinCommand::cargo_bin("nginx-fpm-lint")
            .expect("binary")
            .args(["--no-config", "--format", "concise", "--root", "/", "--fpm"])
            .arg(&conf)
            .output()
            .expect("run the linter");
        let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
        let ours = stdout
            .lines()
            .find(|l| l.contains(": FPM115 ["))
            .map(|l| l.split_once("] ").map_or(l, |(_, m)| m).to_string());
        assert_eq!(
            refused,
            ours.is_some(),
            "`{lines}`: php-fpm -t {}, FPM115 {}\n{stderr}\n{stdout}",
            if refused { "fails" } else { "passes" },
            if ours.is_some() {
                "reported"
            } else {
                "not reported"
            }
        );
        // The same words as php-fpm's.
        if let Some(message) = &ours {
            assert!(stderr.contains(message.as_str()), "{message}\n{stderr}");
            failed += 1;
        } else {
            passed += 1;
        }
    }
    assert!(
        failed >= 4 && passed >= 3 && failed + passed == CASES.len(),
        "failed {failed}, passed {passed}"
    );
}
