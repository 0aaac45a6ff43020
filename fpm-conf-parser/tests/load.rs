//! Loading real layouts.

use std::path::Path;

use fpm_conf_parser::{check, load, FpmLoadOptions, Listen};
use lint_source::SourceMap;

fn describe(map: &SourceMap, diags: &[lint_source::Diagnostic]) -> Vec<String> {
    diags
        .iter()
        .map(|d| {
            let span = d.primary.as_ref().expect("primary").span;
            let f = map.get(span.file);
            let at = f.line_col(span.start);
            format!(
                "{}:{}:{} {} {}",
                f.path.display(),
                at.line,
                at.column,
                d.code,
                d.message
            )
        })
        .collect()
}

#[test]
fn the_example_tree_reports_its_php_fpm_mistakes() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../fixtures/example");
    let map = SourceMap::new();
    let opts = FpmLoadOptions {
        root: Some(root),
        ..Default::default()
    };
    let config = load(Path::new("/etc/php/8.2/fpm/php-fpm.conf"), &opts, &map);
    let mut diags = config.diagnostics.clone();
    diags.extend(check(&config));
    let names: Vec<&str> = config.pools.iter().map(|p| p.name.as_str()).collect();
    assert_eq!(names, ["admin", "blog", "shop"]);
    assert_eq!(
        describe(&map, &diags),
        [
            "/etc/php/8.2/fpm/pool.d/shop.conf:6:1 FPM001 `#` is not a comment in php-fpm files: php-fpm will refuse to start",
            "/etc/php/8.2/fpm/pool.d/shop.conf:12:20 FPM007 [pool shop] pm.start_servers(8) must not be less than pm.min_spare_servers(2) and not greater than pm.max_spare_servers(4)",
        ]
    );
    assert!(
        matches!(config.pools[2].listen(), Some((Listen::Unix(p), _)) if p == Path::new("/run/php/php8.2-fpm-shop.sock"))
    );
}

#[test]
fn sections_reopen_case_insensitively_and_leak_across_includes() {
    let dir = tempfile::tempdir().expect("tmp");
    std::fs::write(
        dir.path().join("main.conf"),
        format!(
            "[global]\ninclude = {}/d/*.conf\nlisten.mode = 0600\n[WWW]\npm.max_children = 4\n",
            dir.path().display()
        ),
    )
    .expect("w");
    std::fs::create_dir(dir.path().join("d")).expect("mkdir");
    std::fs::write(dir.path().join("d/a.conf"), "[www]\nlisten = 9000\npm = static\npm.max_children = 2\nphp_value[memory_limit] = 64M\nphp_value[memory_limit] = 128M\n").expect("w");
    let map = SourceMap::new();
    let config = load(
        &dir.path().join("main.conf"),
        &FpmLoadOptions::default(),
        &map,
    );
    assert_eq!(config.pools.len(), 1);
    let pool = &config.pools[0];
    assert_eq!(
        pool.get("listen.mode").map(|e| e.value.as_str()),
        Some("0600")
    );
    assert_eq!(pool.int("pm.max_children").map(|(v, _)| v), Some(4));
    assert_eq!(
        pool.array("php_value", "memory_limit")
            .map(|e| e.value.as_str()),
        Some("64M")
    );
    assert!(
        check(&config).is_empty(),
        "{:?}",
        describe(&map, &check(&config))
    );
}

/// php-fpm globs its includes with GLOB_MARK and skips directories: a folder whose name
/// matches the pattern is passed over without a word, on the host and in a root copy.
#[test]
fn a_directory_matched_by_an_include_pattern_is_skipped() {
    let dir = tempfile::tempdir().expect("tmp");
    let fpm = dir.path().join("etc/php/8.2/fpm");
    std::fs::create_dir_all(fpm.join("pool.d/old.conf")).expect("mkdir");
    std::fs::write(
        fpm.join("php-fpm.conf"),
        "[global]\ninclude=/etc/php/8.2/fpm/pool.d/*.conf\n",
    )
    .expect("write");
    std::fs::write(
        fpm.join("pool.d/www.conf"),
        "[www]\nlisten = /run/php/www.sock\npm = static\npm.max_children = 2\n",
    )
    .expect("write");
    let map = SourceMap::new();
    let opts = FpmLoadOptions {
        root: Some(dir.path().to_path_buf()),
        ..Default::default()
    };
    let config = load(Path::new("/etc/php/8.2/fpm/php-fpm.conf"), &opts, &map);
    let names: Vec<&str> = config.pools.iter().map(|p| p.name.as_str()).collect();
    assert_eq!(names, ["www"]);
    assert_eq!(describe(&map, &config.diagnostics), Vec::<String>::new());
    assert!(!config.incomplete);
}

/// A pool drop-in linted on its own (lando's zz-lando.conf: `[www]`, `user = root`,
/// `group = root`) lacks the settings other files give the pool, but the user it sets is
/// what the pool runs as: php-fpm refuses it without `-R` (live: exit 78).
#[test]
fn a_drop_in_that_runs_the_pool_as_root_is_reported() {
    let dir = tempfile::tempdir().expect("tmp");
    let file = dir.path().join("zz-lando.conf");
    std::fs::write(&file, "[www]\nuser = root\ngroup = root\n").expect("write");
    let map = SourceMap::new();
    let config = load(&file, &FpmLoadOptions::default(), &map);
    let found = describe(&map, &check(&config));
    let root: Vec<&String> = found.iter().filter(|d| d.contains("FPM023")).collect();
    assert_eq!(root.len(), 2, "{found:?}");
    assert!(
        found
            .iter()
            .any(|d| d.contains("sets neither pm nor pm.max_children")),
        "{found:?}"
    );
}

/// glob(3) with GLOB_ERR (php-fpm's call) fails only on a directory it must list: a file
/// name without a wildcard in a missing directory is no match, which php-fpm -t only warns
/// about (triage AP, FP-4); a wildcard there is `Unable to globalize ... (ret=2)`.
#[test]
fn a_literal_include_in_a_missing_directory_only_warns() {
    let dir = tempfile::tempdir().expect("tmp");
    let conf = dir.path().join("php-fpm.conf");
    let pool =
        "[www]\nuser = www-data\nlisten = /run/php/www.sock\npm = static\npm.max_children = 2\n";
    let lint = |include: &str| {
        let text = format!(
            "[global]\ninclude = {}/missing/{include}\n{pool}",
            dir.path().display()
        );
        std::fs::write(&conf, text).expect("write");
        let map = SourceMap::new();
        let config = load(&conf, &FpmLoadOptions::default(), &map);
        config
            .diagnostics
            .iter()
            .map(|d| format!("{:?} {} {}", d.severity, d.code, d.message))
            .collect::<Vec<_>>()
    };
    let base = dir.path().display();
    assert_eq!(
        lint("x.conf"),
        [format!(
            "Warning FPM005 Nothing matches the include pattern '{base}/missing/x.conf'"
        )]
    );
    assert_eq!(
        lint("*.conf"),
        [format!("Error FPM005 Unable to globalize '{base}/missing/*.conf' (ret=2): its directory does not exist")]
    );
}

/// Triage AP's false negatives, in php-fpm 8.2 -t's words (each checked with it; the
/// verdicts are differential cases too).
#[test]
fn values_php_fpm_refuses_after_reading_them_say_what_php_fpm_says() {
    let dir = tempfile::tempdir().expect("tmp");
    let conf = dir.path().join("php-fpm.conf");
    std::fs::write(
        &conf,
        "[global]\nerror_log =\nevents.mechanism = nosuch\nrlimit_core = -1\n[www]\nuser = www-data\nlisten = /run/php/www.sock\npm = dynamic\npm.max_children = 5\npm.start_servers = 2\npm.min_spare_servers = 1\npm.max_spare_servers = 3\npm.max_spawn_rate = 0\n",
    )
    .expect("write");
    let map = SourceMap::new();
    let opts = FpmLoadOptions {
        prefix: Some(dir.path().to_path_buf()),
        ..Default::default()
    };
    let config = load(&conf, &opts, &map);
    let mut found: Vec<String> = check(&config)
        .iter()
        .map(|d| format!("{} {}", d.code, d.message))
        .collect();
    found.sort();
    assert_eq!(
        found,
        [
            "FPM004 event mechanism 'nosuch' is not available on this system".to_string(),
            format!(
                "FPM004 failed to open error_log ({}/): Is a directory (21)",
                dir.path().display()
            ),
            "FPM004 unable to parse value for entry 'rlimit_core': must be greater than zero or 'unlimited'".to_string(),
            "FPM007 [pool www] pm.max_spawn_rate must be a positive value".to_string(),
        ]
    );
    // Without -p the empty error_log is PHP_LOCALSTATEDIR, /var for Debian's build.
    let config = load(&conf, &FpmLoadOptions::default(), &map);
    assert!(check(&config)
        .iter()
        .any(|d| d.message == "failed to open error_log (/var/): Is a directory (21)"));
}
